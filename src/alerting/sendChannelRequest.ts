import type { Dispatcher } from 'undici'
import { lazyRequire } from '../shared/lazyRequire.ts'
import type { ChannelRequest } from './channels/channelRequest.ts'

// Loaded on the first delivery, not when Lookout is imported (see lazyRequire).
const undici = lazyRequire<typeof import('undici')>('undici')

/** What one attempt produced. */
export interface SendResult {
  /** HTTP status, or `undefined` when no response arrived (network error, timeout). */
  readonly status: number | undefined
  /** `Retry-After` in ms, when the response carried one. */
  readonly retryAfterMs: number | undefined
  /** Short description for history (status line + start of the body, or the network error). Not redacted. */
  readonly detail: string
}

/**
 * Sends one channel request with undici: POST, no redirects followed, a hard timeout for headers and body, the
 * response body read to at most 2 KiB (and then dropped). `signal` cancels it (a claim taken over). Never throws.
 *
 * @example
 * const r = await sendChannelRequest(req, { timeoutMs: 10_000 })
 * if (r.status === 202) ...
 */
export async function sendChannelRequest(
  req: ChannelRequest,
  options: { timeoutMs: number; dispatcher?: Dispatcher; now?: () => number; signal?: AbortSignal },
): Promise<SendResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs)
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal])
  try {
    const res = await undici().request(req.url, {
      method: 'POST',
      headers: { 'user-agent': 'lookout-alerting/1', ...req.headers },
      body: req.body,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal,
      ...(options.dispatcher !== undefined ? { dispatcher: options.dispatcher } : {}),
    })
    const text = await readCapped(res.body, 2048)
    const retryAfter = res.headers['retry-after']
    return {
      status: res.statusCode,
      retryAfterMs: parseRetryAfter(
        Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        options.now?.() ?? Date.now(),
      ),
      detail: `HTTP ${res.statusCode}${text ? `: ${text.replace(/\s+/g, ' ').slice(0, 300)}` : ''}`,
    }
  } catch (err) {
    const e = err as { code?: string; name?: string; message?: string }
    const what = timeout.aborted ? 'timeout' : signal.aborted ? 'aborted' : (e.code ?? e.name ?? 'error')
    return { status: undefined, retryAfterMs: undefined, detail: `network: ${what}` }
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
