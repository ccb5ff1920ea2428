import { detachedCopy } from '../util/detachedCopy.ts'
import { addressGroup } from './addressGroup.ts'
import { createRateLimiter } from './rateLimiter.ts'

/**
 * Throttles operator-key guessing per client address: every request that needs an operator key and lacks a valid
 * one spends a token of its address's bucket, and an address with no token left is refused before any key it sends
 * is compared. Successful requests neither spend nor refund tokens, so a valid key cannot be used to reset the
 * count. IPv6 clients are counted by their /64 (one host usually holds the whole prefix); the table is bounded.
 *
 * A throttling episode starts with the failure that spends an address's last token and lasts until the address
 * has earned its whole allowance back, so an address guessing at the refill rate stays in one episode.
 *
 * @example
 * const throttle = createFailedAuthThrottle({ perMinute: 10, burst: 20 })
 * if (throttle.retryAfter(req.clientIp) > 0) return tooMany()
 * if (operator === undefined) {
 *   const started = throttle.failed(req.clientIp) // { address: '2001:db8:1:2::/64', failures: 20 } once per episode
 * }
 */
export function createFailedAuthThrottle(options: {
  /** Failures an address earns back per minute. */
  readonly perMinute: number
  /** Failures an address may make in a row before it is refused. */
  readonly burst: number
  /** Max addresses tracked. Default 10 000. */
  readonly maxClients?: number
  /** Clock in ms (tests inject one). Default `Date.now`. */
  readonly now?: () => number
}): {
  /** Seconds the client must wait before a key it presents is compared again; 0 = compare it now. */
  retryAfter(clientIp: string | undefined): number
  /** Records one failed authentication by the client; returns the throttling episode it starts, if it starts one. */
  failed(clientIp: string | undefined): ThrottlingStart | undefined
} {
  const limiter = createRateLimiter(options)
  const maxClients = options.maxClients ?? 10_000
  // Touched in the same order as the limiter's buckets, so both tables hold the same addresses.
  const runs = new Map<string, { failures: number; throttled: boolean; readonly key: string }>()
  return {
    retryAfter: (clientIp) => limiter.wait(addressGroup(clientIp)),
    failed(clientIp) {
      const group = addressGroup(clientIp)
      const address = group ?? 'unknown'
      let run = runs.get(address)
      if (run !== undefined) runs.delete(address)
      else if (runs.size >= maxClients) {
        const oldest = runs.keys().next().value
        if (oldest !== undefined) runs.delete(oldest)
      }
      // A full allowance ends the previous run: the address stopped failing long enough to earn it all back.
      if (run === undefined || limiter.available(group) >= options.burst)
        // The key is kept as a copy: an address cut from X-Forwarded-For would keep the whole header alive.
        run = { failures: 0, throttled: false, key: run?.key ?? detachedCopy(address) }
      runs.set(run.key, run)
      run.failures++
      limiter.take(group)
      if (run.throttled || limiter.wait(group) === 0) return undefined
      run.throttled = true
      return { address, failures: run.failures }
    },
  }
}

/** The start of an address's throttling episode. */
export interface ThrottlingStart {
  /** The address as counted: an IPv4 address, an IPv6 /64 (`2001:db8:1:2::/64`), or `unknown`. */
  readonly address: string
  /** Failures since the address last held its whole allowance, this one included. */
  readonly failures: number
}
