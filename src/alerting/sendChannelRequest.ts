import type { Dispatcher } from 'undici'
import { type OutboundGuard, outboundRefusalMessage } from '../outbound/createOutboundGuard.ts'
import { lazyRequire } from '../util/lazyRequire.ts'
import type { ChannelRequest } from './channels/channelRequest.ts'
import { type DeliveryFailureReason, failureDetail, statusReason } from './deliveryFailure.ts'

// Loaded on the first delivery, not when Lookout is imported (see lazyRequire).
const undici = lazyRequire<typeof import('undici')>('undici')

/** What one attempt produced. */
export interface SendResult {
  /** HTTP status, or `undefined` when no response arrived (network error, timeout, refusal). */
  readonly status: number | undefined
  /** `Retry-After` in ms, when the response carried one. */
  readonly retryAfterMs: number | undefined
  /**
   * Short description for history: the failure class, then the status line and the start of the body, the
   * network error or what the outbound policy refused. Not redacted.
   */
  readonly detail: string
  /** The failure class; `undefined` for a 2xx. */
  readonly reason?: DeliveryFailureReason | undefined
}

/** Options of {@link sendChannelRequest}. */
export interface SendOptions {
  readonly timeoutMs: number
  /** Checks the URL (and the request's `allowedHosts`) before sending and pins connections to vetted addresses. */
  readonly guard: OutboundGuard
  /** Replaces the guard's dispatcher (the URL checks still apply). */
  readonly dispatcher?: Dispatcher
  readonly now?: () => number
  /** Cancels the attempt (a claim taken over). */
  readonly signal?: AbortSignal
}

/**
 * Sends one channel request with undici through the outbound guard: the URL is checked first (a refusal is a
 * result, nothing is sent), then POST over connections to vetted addresses only, no redirects followed (a 3xx is
 * a failure), a hard timeout for headers and body, the response body read to at most 2 KiB (and then dropped).
 * `signal` cancels it (a claim taken over). Never throws.
 *
 * @example
 * const r = await sendChannelRequest(req, { timeoutMs: 10_000, guard })
 * if (r.status === 202) ...
 */
export async function sendChannelRequest(req: ChannelRequest, options: SendOptions): Promise<SendResult> {
  const checked = options.guard.check(req.url, req.allowedHosts)
  if (!checked.ok) return refusal(`refused by the outbound policy: ${checked.reason}`)
  const timeout = AbortSignal.timeout(options.timeoutMs)
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal])
  try {
    const res = await undici().request(checked.url, {
      method: 'POST',
      headers: { 'user-agent': 'lookout-alerting/1', ...req.headers },
      body: req.body,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal,
      dispatcher: options.dispatcher ?? options.guard.dispatcher,
    })
    const text = await readCapped(res.body, 2048)
    const retryAfter = res.headers['retry-after']
    const reason = statusReason(res.statusCode)
    const line = `HTTP ${res.statusCode}${text ? `: ${text.replace(/\s+/g, ' ').slice(0, 300)}` : ''}`
    return {
      status: res.statusCode,
      retryAfterMs: parseRetryAfter(
        Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        options.now?.() ?? Date.now(),
      ),
      detail: reason === undefined ? line : failureDetail(reason, line),
      reason,
    }
  } catch (err) {
    const refused = outboundRefusalMessage(err)
    if (refused !== undefined) return refusal(refused)
    const e = err as { code?: string; name?: string }
    const timedOut = timeout.aborted || (e.code !== undefined && TIMEOUT_CODES.has(e.code))
    const reason = timedOut ? 'timeout' : 'connection_error'
    const what = timedOut
      ? `no response within ${options.timeoutMs} ms`
      : signal.aborted
        ? 'aborted'
        : (e.code ?? e.name ?? 'error')
    return { status: undefined, retryAfterMs: undefined, detail: failureDetail(reason, what), reason }
  }
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
])

function refusal(message: string): SendResult {
  return {
    status: undefined,
    retryAfterMs: undefined,
    detail: failureDetail('refused_by_policy', message),
    reason: 'refused_by_policy',
  }
}

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy?: () => void },
  max: number,
): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of body) {
      if (size < max) chunks.push(chunk)
      size += chunk.length
      if (size >= max) break
    }
  } catch {
    // a body cut short still gives us the status
  } finally {
    body.destroy?.()
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, max)
}

/**
 * Parses `Retry-After` (delay-seconds or an HTTP date) into milliseconds from `now`; `undefined` when absent or
 * unreadable.
 *
 * @example
 * parseRetryAfter('30', Date.now()) // 30000
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  const at = Date.parse(v)
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined
}
