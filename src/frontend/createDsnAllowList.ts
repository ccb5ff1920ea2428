import { frontendConfigError } from '../errors.ts'
import { dsnToString, envelopeUrlOf, type ParsedDsn, parseDsn } from './parseDsn.ts'

/** One allow-list entry as configured (`frontend.sentry.allow`). */
export type DsnAllowEntry =
  | string
  | { readonly dsn: string; readonly upstream?: string | undefined }
  | { readonly host: string; readonly projectIds: readonly string[]; readonly upstream?: string | undefined }

/** The tunnel's allow-list: DSN (as a client sent it) → ingest URL, or `undefined`. */
export interface DsnAllowList {
  /**
   * The upstream ingest URL for this DSN, built only from configuration, or `undefined` when the DSN is not
   * allowed (or not a DSN). Never throws.
   */
  resolve(dsn: unknown): string | undefined
  /** Number of entries (exact DSNs + host/project pairs). */
  readonly size: number
}

/**
 * Builds the allow-list once. Every upstream URL is computed here, from configuration; a client's DSN is only a
 * lookup key, so no byte of it can reach a URL (no open proxy, no SSRF).
 *
 * Matching: an exact entry matches the same DSN in canonical form (host case and the secret part ignored); a
 * host entry matches a DSN on exactly that host (and port) with one of its project ids and no path prefix.
 *
 * @example
 * const allow = createDsnAllowList([
 *   'https://abc@o1.ingest.sentry.io/42',
 *   { host: 'sentry.internal:9000', projectIds: ['7'], upstream: 'http://10.0.0.5:9000' },
 * ])
 * allow.resolve('https://abc@o1.ingest.sentry.io/42')  // 'https://o1.ingest.sentry.io/api/42/envelope/'
 * allow.resolve('https://abc@evil.example/42')          // undefined
 */
export function createDsnAllowList(entries: readonly DsnAllowEntry[]): DsnAllowList {
  const exact = new Map<string, string>()
  const byHost = new Map<string, Map<string, string>>()
  for (const entry of entries) {
    if (typeof entry === 'string' || 'dsn' in entry) {
      const text = typeof entry === 'string' ? entry : entry.dsn
      const dsn = parseDsn(text)
      if (dsn === undefined) throw frontendConfigError('frontend.sentry.allow', 'an entry is not a valid DSN')
      const upstream = typeof entry === 'string' ? undefined : entry.upstream
      exact.set(dsnToString(dsn), upstream === undefined ? envelopeUrlOf(dsn) : ingestUrl(upstream, dsn))
    } else {
      const host = entry.host.toLowerCase()
      let projects = byHost.get(host)
      if (projects === undefined) {
        projects = new Map()
        byHost.set(host, projects)
      }
      for (const id of entry.projectIds) {
        if (!/^\d{1,20}$/.test(id))
          throw frontendConfigError('frontend.sentry.allow', 'project ids are digits only')
        const base = entry.upstream ?? `https://${host}`
        projects.set(id, `${trimSlash(base)}/api/${id}/envelope/`)
      }
    }
  }
  let size = exact.size
  for (const p of byHost.values()) size += p.size
  return {
    size,
    resolve(raw) {
      const dsn = parseDsn(raw)
      if (dsn === undefined) return undefined
      const hit = exact.get(dsnToString(dsn))
      if (hit !== undefined) return hit
      if (dsn.path !== '') return undefined
      return byHost.get(dsn.port === '' ? dsn.host : `${dsn.host}:${dsn.port}`)?.get(dsn.projectId)
    },
  }
}

function ingestUrl(upstream: string, dsn: ParsedDsn): string {
  return `${trimSlash(upstream)}/api/${dsn.projectId}/envelope/`
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}
