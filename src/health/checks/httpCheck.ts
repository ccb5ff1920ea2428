import { DEFAULT_TIMEOUTS } from '../conventions.ts'
import type { HealthCheck } from '../healthCheck.ts'
import { urlHost } from '../stripCredentials.ts'

/** Options of {@link httpCheck}. */
export interface HttpCheckOptions {
  /** URL of the dependency's health endpoint. */
  readonly url: string
  /** Default: the URL's host name. */
  readonly name?: string
  /** Default `GET`. */
  readonly method?: 'GET' | 'HEAD'
  /** Request headers (e.g. an auth token; never shown). */
  readonly headers?: Readonly<Record<string, string>>
  /** Statuses that pass. Default 200–399. */
  readonly expectStatus?: readonly number[]
  /** Slower than this (ms) → `warn`. Default: never warn. */
  readonly degradedAfterMs?: number
  /** Default 1000 ms. */
  readonly timeoutMs?: number
  /** Default `true`. */
  readonly critical?: boolean
}

/**
 * HTTP dependency check (undici): passes on an expected status, reports the latency, warns when slow.
 *
 * @example
 * httpCheck({ url: 'http://idp.internal/health', name: 'idp', degradedAfterMs: 300 })
 */
export function httpCheck(options: HttpCheckOptions): HealthCheck {
  const url = new URL(options.url)
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUTS.http
  const expected = options.expectStatus
  // Loaded at configuration time, so the first run does not block the loop evaluating it.
  const undici = import('undici')
  undici.catch(() => {})
  const name =
    options.name ??
    url.hostname
      .toLowerCase()
      .replace(/[^a-z0-9_.-]/g, '-')
      .slice(0, 63)
  return {
    name,
    timeoutMs,
    critical: options.critical ?? true,
    componentType: 'component',
    measurement: 'responseTime',
    endpoint: urlHost(options.url),
    async run(signal) {
      const { request } = await undici
      const started = performance.now()
      const res = await request(url, {
        method: options.method ?? 'GET',
        headers: options.headers,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      })
      await res.body.dump({ limit: 65_536 }).catch(() => {})
      const ms = Math.round((performance.now() - started) * 1000) / 1000
      const ok = expected ? expected.includes(res.statusCode) : res.statusCode >= 200 && res.statusCode < 400
      if (!ok)
        return { status: 'fail', observedValue: ms, observedUnit: 'ms', output: `HTTP ${res.statusCode}` }
      if (options.degradedAfterMs !== undefined && ms > options.degradedAfterMs) {
        return { status: 'warn', observedValue: ms, observedUnit: 'ms', output: `slow: ${ms} ms` }
      }
      return { status: 'pass', observedValue: ms, observedUnit: 'ms' }
    },
  }
}
