import { detachedCopy } from '../util/detachedCopy.ts'

/**
 * A per-client token bucket with a bounded client table (least-recently-seen clients are evicted first, so a
 * flood of spoofed addresses cannot grow memory).
 *
 * @example
 * const limiter = createRateLimiter({ perMinute: 60, burst: 20 })
 * const wait = limiter.take('203.0.113.9') // 0 = allowed; otherwise seconds until a token is available
 */
export function createRateLimiter(options: {
  readonly perMinute: number
  /** Bucket size. Default: `perMinute` (one minute's worth). */
  readonly burst?: number
  /** Max clients tracked. Default 10 000. */
  readonly maxClients?: number
  /** Clock in ms (tests inject one). Default `Date.now`. */
  readonly now?: () => number
}): {
  /** Takes a token: 0 when one was available, else the seconds until one will be (nothing is taken then). */
  take(client: string | undefined): number
  /** The seconds until `client` has a token (0 = now), taking nothing and recording nothing. */
  wait(client: string | undefined): number
  /** The tokens `client` holds now (`burst` for a client not tracked), taking nothing and recording nothing. */
  available(client: string | undefined): number
  readonly size: number
} {
  const rate = options.perMinute / 60_000
  const burst = options.burst ?? options.perMinute
  const maxClients = options.maxClients ?? 10_000
  const now = options.now ?? Date.now
  const buckets = new Map<string, { tokens: number; at: number; readonly key: string }>()
  const secondsUntilToken = (tokens: number) => Math.max(1, Math.ceil((1 - tokens) / rate / 1000))
  const available = (client: string | undefined) => {
    const b = buckets.get(client ?? 'unknown')
    return b === undefined ? burst : Math.min(burst, b.tokens + (now() - b.at) * rate)
  }
  return {
    get size() {
      return buckets.size
    },
    take(client) {
      const key = client ?? 'unknown'
      const t = now()
      let b = buckets.get(key)
      if (b === undefined) {
        if (buckets.size >= maxClients) {
          const oldest = buckets.keys().next().value
          if (oldest !== undefined) buckets.delete(oldest)
        }
        // Kept as a copy: a client address cut from X-Forwarded-For would keep the whole header alive.
        b = { tokens: burst, at: t, key: detachedCopy(key) }
      } else {
        buckets.delete(key)
        b.tokens = Math.min(burst, b.tokens + (t - b.at) * rate)
        b.at = t
      }
      buckets.set(b.key, b)
      if (b.tokens >= 1) {
        b.tokens -= 1
        return 0
      }
      return secondsUntilToken(b.tokens)
    },
    wait(client) {
      if (!buckets.has(client ?? 'unknown')) return 0
      const tokens = available(client)
      return tokens >= 1 ? 0 : secondsUntilToken(tokens)
    },
    available,
  }
}
