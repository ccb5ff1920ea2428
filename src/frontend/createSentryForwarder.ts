import { context, ROOT_CONTEXT } from '@opentelemetry/api'
import type { OutboundGuard } from '../outbound/createOutboundGuard.ts'
import { lazyRequire } from '../util/lazyRequire.ts'
import { PASSED_BACK_HEADERS, type TunnelOutcome } from './conventions.ts'

/** What the upstream said, already shaped for the browser. */
export interface ForwardResult {
  readonly outcome: Extract<
    TunnelOutcome,
    | 'forwarded'
    | 'upstream_rate_limited'
    | 'upstream_error'
    | 'upstream_redirect'
    | 'upstream_timeout'
    | 'upstream_unreachable'
  >
  /** Status for the client: the upstream's, or 502 (redirect, unreachable) / 504 (timeout). */
  readonly status: number
  /** `retry-after` / `x-sentry-rate-limits` from the upstream, when present and sane. */
  readonly headers: Readonly<Record<string, string>>
  /** The upstream's JSON body when small (Sentry answers `{"id":"…"}`); otherwise none. */
  readonly body: Buffer | undefined
}

/** Sends envelopes to allow-listed ingest URLs. */
export interface SentryForwarder {
  /** POSTs `body` untouched to `url`. Never rejects. */
  forward(url: string, body: Uint8Array, headers?: Readonly<Record<string, string>>): Promise<ForwardResult>
  /** Closes idle connections; idempotent. */
  close(): Promise<void>
}

/** Options of {@link createSentryForwarder}. */
export interface SentryForwarderOptions {
  /** Connect + response timeout, ms. */
  readonly timeoutMs: number
  /** Max connections per upstream origin. Default 64. */
  readonly connections?: number
  /** Every connection goes through it: only to vetted addresses (a refusal is `upstream_unreachable`). */
  readonly guard: OutboundGuard
}

/** Largest upstream body passed back; larger ones are discarded. */
const MAX_PASSED_BODY = 16_384
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])
// Loaded when a tunnel is created, not when Lookout is imported (see lazyRequire).
const undici = lazyRequire<typeof import('undici')>('undici')
const otelCore = lazyRequire<typeof import('@opentelemetry/core')>('@opentelemetry/core')

/**
 * The tunnel's upstream client: its own undici `Agent` (so closing it never touches the app's connections) whose
 * connections pass the outbound guard (after DNS, pinned to the checked addresses), no
 * redirects followed (undici's `request` never follows them; a 3xx becomes a 502), no client headers — only
 * `content-type: application/x-sentry-envelope`, a user agent and the caller's `headers` — and a hard timeout.
 * Each send runs outside the browser request's context with tracing suppressed, so outbound instrumentation
 * adds no `traceparent`, `baggage` or request id from the client to the upstream call.
 *
 * @example
 * const forwarder = createSentryForwarder({ timeoutMs: 10_000, guard: createOutboundGuard({ connectTimeoutMs: 10_000 }) })
 * const res = await forwarder.forward('https://o1.ingest.sentry.io/api/42/envelope/', bytes)
 * // { outcome: 'forwarded', status: 200, headers: {}, body: <Buffer {"id":"…"}> }
 */
export function createSentryForwarder(options: SentryForwarderOptions): SentryForwarder {
  const { Agent, request } = undici()
  const detached = otelCore().suppressTracing(ROOT_CONTEXT)
  const agent = new Agent({
    connect: options.guard.connect,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 4_000,
    connections: options.connections ?? 64,
  })
  let closed: Promise<void> | undefined
  return {
    async forward(url, body, headers) {
      try {
        const res = await context.with(detached, () =>
          request(url, {
            dispatcher: agent,
            method: 'POST',
            body,
            headers: {
              ...headers,
              'content-type': 'application/x-sentry-envelope',
              'user-agent': 'lookout-sentry-tunnel',
            },
            signal: AbortSignal.timeout(options.timeoutMs),
          }),
        )
        const passed: Record<string, string> = {}
        for (const name of PASSED_BACK_HEADERS) {
          const value = res.headers[name]
          if (typeof value === 'string' && value.length <= 2048 && /^[\x20-\x7e]*$/.test(value))
            passed[name] = value
        }
        const status = res.statusCode
        const isJson = String(res.headers['content-type'] ?? '').startsWith('application/json')
        let payload: Buffer | undefined
        if (isJson && status < 300) payload = await readCapped(res.body)
        else await discard(res.body)
        if (status >= 300 && status < 400) {
          return { outcome: 'upstream_redirect', status: 502, headers: {}, body: undefined }
        }
        return {
          outcome: status < 300 ? 'forwarded' : status === 429 ? 'upstream_rate_limited' : 'upstream_error',
          status,
          headers: passed,
          body: payload,
        }
      } catch (error) {
        const code = (error as { code?: unknown; name?: unknown } | undefined)?.code
        const name = (error as { name?: unknown } | undefined)?.name
        if (name === 'TimeoutError' || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
          return { outcome: 'upstream_timeout', status: 504, headers: {}, body: undefined }
        }
        return { outcome: 'upstream_unreachable', status: 502, headers: {}, body: undefined }
      }
    },
    close() {
      closed ??= agent.close().catch(() => undefined)
      return closed
    },
  }
}

async function readCapped(
  body: AsyncIterable<Uint8Array> & { destroy(): unknown },
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > MAX_PASSED_BODY) {
      body.destroy()
      return undefined
    }
    chunks.push(Buffer.from(chunk))
  }
  return Buffer.concat(chunks)
}

async function discard(body: { dump(opts?: { limit?: number }): Promise<void> }): Promise<void> {
  try {
    await body.dump({ limit: MAX_PASSED_BODY })
  } catch {
    // A broken upstream body changes nothing for the client.
  }
}
