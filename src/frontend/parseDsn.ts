/** A Sentry DSN split into its parts. */
export interface ParsedDsn {
  /** `http` or `https`. */
  readonly protocol: 'http' | 'https'
  readonly publicKey: string
  /** Lower-cased host name (never bracketed IPv6: those DSNs are refused). */
  readonly host: string
  /** Port as written, or `''` when absent. */
  readonly port: string
  /** Path prefix before the project id, without leading/trailing slashes (usually `''`). */
  readonly path: string
  /** Numeric project id (digits only). */
  readonly projectId: string
}

/** Longest DSN accepted; real ones are well under 200 characters. */
export const MAX_DSN_LENGTH = 512

// Deliberately narrower than URL parsing: no brackets (IPv6), no percent-encoding, no `@` in the host part, no
// backslashes, no whitespace, and a project id of digits only. Anything a WHATWG URL parser would reinterpret
// (userinfo tricks, encoded hosts, `..` segments) fails here instead of being "fixed up".
const DSN =
  /^(https?):\/\/([A-Za-z0-9_-]{1,128})(?::[A-Za-z0-9_-]{0,128})?@([A-Za-z0-9.-]{1,253})(?::(\d{1,5}))?\/((?:[A-Za-z0-9_~-][A-Za-z0-9_.~-]{0,63}\/){0,8})(\d{1,20})$/
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

/**
 * Parses a DSN strictly, or returns `undefined`. Never throws. The secret part, when present, is dropped.
 *
 * @example
 * parseDsn('https://abc123@o1.ingest.sentry.io/42')
 * // { protocol: 'https', publicKey: 'abc123', host: 'o1.ingest.sentry.io', port: '', path: '', projectId: '42' }
 * parseDsn('https://key@allowed.example@127.0.0.1/1') // undefined
 */
export function parseDsn(dsn: unknown): ParsedDsn | undefined {
  if (typeof dsn !== 'string' || dsn.length > MAX_DSN_LENGTH) return undefined
  const m = DSN.exec(dsn)
  if (m === null) return undefined
  const host = m[3]!.toLowerCase()
  if (!host.split('.').every((label) => HOST_LABEL.test(label))) return undefined
  const port = m[4] ?? ''
  if (port !== '' && (Number(port) < 1 || Number(port) > 65535)) return undefined
  const path = m[5]!.replace(/\/$/, '')
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) return undefined
  return { protocol: m[1] as 'http' | 'https', publicKey: m[2]!, host, port, path, projectId: m[6]! }
}

/**
 * The DSN written back in Sentry's canonical form, without the secret part: what `@sentry/core`'s `dsnToString`
 * produces, so two spellings of the same DSN compare equal.
 *
 * @example
 * dsnToString(parseDsn('https://k:s@Sentry.Example.com/7')!) // 'https://k@sentry.example.com/7'
 */
export function dsnToString(dsn: ParsedDsn): string {
  return `${dsn.protocol}://${dsn.publicKey}@${dsn.host}${dsn.port ? `:${dsn.port}` : ''}/${dsn.path ? `${dsn.path}/` : ''}${dsn.projectId}`
}

/**
 * The ingest endpoint Sentry derives from a DSN: `<protocol>://<host>[:port][/path]/api/<projectId>/envelope/`.
 * Only ever called on DSNs that come from configuration, never on one a client sent.
 *
 * @example
 * envelopeUrlOf(parseDsn('https://k@o1.ingest.sentry.io/42')!) // 'https://o1.ingest.sentry.io/api/42/envelope/'
 */
export function envelopeUrlOf(dsn: ParsedDsn): string {
  return `${dsn.protocol}://${dsn.host}${dsn.port ? `:${dsn.port}` : ''}${dsn.path ? `/${dsn.path}` : ''}/api/${dsn.projectId}/envelope/`
}
