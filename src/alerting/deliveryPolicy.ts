import type { SendResult } from './sendChannelRequest.ts'

/** What to do after an attempt. */
export type AttemptVerdict = 'delivered' | 'retry' | 'dead'

/**
 * Classifies an attempt: 2xx delivered; no response, 408, 429 and 5xx retried; a refusal by the outbound policy
 * and every other status (other 4xx, and 3xx since redirects are not followed) is permanent — retrying the same
 * request cannot succeed.
 *
 * @example
 * classifyAttempt({ status: 429, retryAfterMs: 1000, detail: '' }) // 'retry'
 */
export function classifyAttempt(result: SendResult): AttemptVerdict {
  const s = result.status
  if (result.reason === 'refused_by_policy') return 'dead'
  if (s === undefined) return 'retry'
  if (s >= 200 && s < 300) return 'delivered'
  if (s === 408 || s === 429 || s >= 500) return 'retry'
  return 'dead'
}

/** Backoff settings. */
export interface BackoffOptions {
  readonly baseMs: number
  readonly maxMs: number
}

/**
 * Delay before retry number `attempt` (1 = after the first failure): exponential (`base × 2^(attempt-1)`, capped
 * at `max`) with full jitter (uniform in [½·d, d]), so a fleet of failed deliveries does not retry in lock-step.
 * A `Retry-After` is honoured when it is longer (capped at `max`).
 *
 * @example
 * retryDelay(3, { baseMs: 1000, maxMs: 60_000 }, undefined, () => 1) // 4000
 */
export function retryDelay(
  attempt: number,
  options: BackoffOptions,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)))
  const jittered = Math.round(exp / 2 + (random() * exp) / 2)
  if (retryAfterMs === undefined) return jittered
  return Math.max(jittered, Math.min(retryAfterMs, options.maxMs))
}
