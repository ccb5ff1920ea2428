import { detachedCopy } from '../util/detachedCopy.ts'
import { addressGroup } from './addressGroup.ts'

/** One window's operator-key failures, as reported: counts only, never a key, a header or an address. */
export interface AuthFailureSummary {
  /** Requests whose operator key was missing or matched none (`missing` and `invalid`). */
  readonly failures: number
  /** Requests whose key was not compared because their address was throttled. */
  readonly throttled: number
  /** Distinct client addresses the failures came from (IPv6 by /64); a lower bound when `addressesCapped`. */
  readonly addresses: number
  /** True when more addresses failed than the summary keeps apart. */
  readonly addressesCapped: boolean
  /** Failures by route template; routes past the kept ones are summed under `other` (no template has that name). */
  readonly routes: Readonly<Record<string, number>>
  /** Seconds from the window's first failure or refusal to its end. */
  readonly windowSeconds: number
}

/** Options of {@link createAuthFailureSummary}. */
export interface AuthFailureSummaryOptions {
  /** Failures a window needs to be reported. */
  readonly threshold: number
  /** Told about each window that reached `threshold`; a throw is ignored. */
  readonly report: (summary: AuthFailureSummary) => void
  /** Length of a window in ms. Default 60 000. */
  readonly windowMs?: number
  /** Routes counted apart. Default 20. */
  readonly maxRoutes?: number
  /** Distinct addresses counted. Default 10 000. */
  readonly maxAddresses?: number
  /** Clock in ms (tests inject one). Default `Date.now`. */
  readonly now?: () => number
  /** Runs `run` after `ms` without keeping the process alive; returns its cancel (tests inject one). */
  readonly schedule?: (run: () => void, ms: number) => () => void
}

/**
 * Sums operator-key failures process-wide over fixed windows, so guessing spread over many addresses — each under
 * its own allowance, so never throttled — still reaches the logs. A window opens with the first failure or refusal
 * after the previous one ended and closes `windowMs` later on a single timer; it is reported when it holds at least
 * `threshold` failures. Memory is bounded by `maxRoutes` and `maxAddresses`.
 *
 * @example
 * const summary = createAuthFailureSummary({ threshold: 20, report: (s) => logger.warn(s) })
 * summary.failed('/observability/config', req.clientIp)
 * summary.refused()
 * summary.stop() // reports the window in progress if it reached the threshold
 */
export function createAuthFailureSummary(options: AuthFailureSummaryOptions): {
  /** Counts one missing or wrong key sent to `route` (its template) from `clientIp`. */
  failed(route: string, clientIp: string | undefined): void
  /** Counts one request refused because its address was throttled. */
  refused(): void
  /** Ends the window in progress (reported if it reached the threshold) and counts nothing more. Idempotent. */
  stop(): void
} {
  const windowMs = options.windowMs ?? 60_000
  const maxRoutes = options.maxRoutes ?? 20
  const maxAddresses = options.maxAddresses ?? 10_000
  const now = options.now ?? Date.now
  const schedule = options.schedule ?? unrefTimeout
  const routes = new Map<string, number>()
  const addresses = new Set<string>()
  let failures = 0
  let throttled = 0
  let otherRoutes = 0
  let addressesCapped = false
  let startedAt = 0
  let cancel: (() => void) | undefined
  let stopped = false

  function open(): void {
    if (cancel !== undefined) return
    startedAt = now()
    cancel = schedule(close, windowMs)
  }

  function close(): void {
    cancel = undefined
    const summary = failures >= options.threshold ? snapshot() : undefined
    routes.clear()
    addresses.clear()
    failures = throttled = otherRoutes = 0
    addressesCapped = false
    if (summary === undefined) return
    try {
      options.report(summary)
    } catch {
      // ignored: telemetry never fails the host, and this runs from a timer
    }
  }

  function snapshot(): AuthFailureSummary {
    const byRoute: Record<string, number> = Object.fromEntries(routes)
    if (otherRoutes > 0) byRoute.other = otherRoutes
    return {
      failures,
      throttled,
      addresses: addresses.size,
      addressesCapped,
      routes: byRoute,
      windowSeconds: Math.max(1, Math.round((now() - startedAt) / 1000)),
    }
  }

  return {
    failed(route, clientIp) {
      if (stopped) return
      open()
      failures++
      const count = routes.get(route)
      if (count !== undefined) routes.set(route, count + 1)
      else if (routes.size < maxRoutes) routes.set(route, 1)
      else otherRoutes++
      const address = addressGroup(clientIp) ?? 'unknown'
      if (addresses.has(address)) return
      // Kept as a copy: an address cut from X-Forwarded-For would keep the whole header alive.
      if (addresses.size < maxAddresses) addresses.add(detachedCopy(address))
      else addressesCapped = true
    },
    refused() {
      if (stopped) return
      open()
      throttled++
    },
    stop() {
      if (stopped) return
      stopped = true
      if (cancel === undefined) return
      cancel()
      close()
    },
  }
}

/** The default `schedule`: one unref'd timer, so an open window never keeps the process alive. */
function unrefTimeout(run: () => void, ms: number): () => void {
  const timer = setTimeout(run, ms)
  timer.unref()
  return () => clearTimeout(timer)
}
