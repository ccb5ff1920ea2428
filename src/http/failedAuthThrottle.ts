import { isIP } from 'node:net'
import { v6Hextets } from '../outbound/addressClass.ts'
import { createRateLimiter } from './rateLimiter.ts'

/**
 * Throttles operator-key guessing per client address: every request that needs an operator key and lacks a valid
 * one spends a token of its address's bucket, and an address with no token left is refused before any key it sends
 * is compared. Successful requests neither spend nor refund tokens, so a valid key cannot be used to reset the
 * count. IPv6 clients are counted by their /64 (one host usually holds the whole prefix); the table is bounded.
 *
 * @example
 * const throttle = createFailedAuthThrottle({ perMinute: 10, burst: 20 })
 * if (throttle.retryAfter(req.clientIp) > 0) return tooMany()
 * if (operator === undefined) throttle.failed(req.clientIp)
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
  /** Records one failed authentication by the client. */
  failed(clientIp: string | undefined): void
} {
  const limiter = createRateLimiter(options)
  return {
    retryAfter: (clientIp) => limiter.wait(addressGroup(clientIp)),
    failed(clientIp) {
      limiter.take(addressGroup(clientIp))
    },
  }
}

/** The address failures are counted under: an IPv4 address (mapped ones too) as is, an IPv6 address's /64. */
function addressGroup(ip: string | undefined): string | undefined {
  if (ip === undefined || ip === '') return undefined
  const mapped = ip.toLowerCase().startsWith('::ffff:') ? ip.slice(7) : undefined
  if (mapped !== undefined && isIP(mapped) === 4) return mapped
  if (isIP(ip) !== 6) return ip
  const hextets = v6Hextets(ip.split('%')[0]!)
  if (hextets === undefined) return ip
  const prefix = hextets.slice(0, 4).map((h) => h.toString(16))
  return `${prefix.join(':')}::/64`
}
