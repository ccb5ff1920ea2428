import type { HttpMetricNames } from '../metrics/conventions.ts'
import type { HistogramChild, HistogramFamily } from '../metrics/histogramFamily.ts'

/** One point of a route's RED series over one step. */
export interface SeriesPoint {
  /** End of the step, ms since the epoch. */
  readonly t: number
  /** Requests per second over the step. */
  readonly rate: number
  /** 5xx per second over the step. */
  readonly errors: number
  /** Latency quantiles over the step, seconds (bucket upper bounds, as `histogram_quantile` would interpolate); `null` without requests. */
  readonly p50: number | null
  readonly p95: number | null
  readonly p99: number | null
}

/** One route × tenant series. */
export interface RouteSeriesView {
  readonly method: string
  readonly route: string
  readonly tenant: string | undefined
  readonly points: readonly SeriesPoint[]
}

/** Options of {@link createRouteSeries}. */
export interface RouteSeriesOptions {
  /** The duration histogram `/metrics` serves. */
  readonly histogram: HistogramFamily
  readonly names: HttpMetricNames
  readonly maxSeries: number
  readonly points: number
  readonly stepMs: number
  readonly onDrop: (count: number) => void
  /** Routes left out (Lookout's own: the console's polling is not the service's traffic). */
  readonly isOwnRoute: (route: string) => boolean
}

/** Per-route RED series sampled from the registry at a fixed step. */
export interface RouteSeries {
  /** Takes one point for every series now (the timer calls this every step). */
  sample(now?: number): void
  /** Series matching the filters. */
  list(filter: {
    readonly route?: string | undefined
    readonly tenant?: string | undefined
  }): RouteSeriesView[]
  readonly stepMs: number
  readonly size: number
}

interface Held {
  readonly method: string
  readonly route: string
  readonly tenant: string | undefined
  points: SeriesPoint[]
  /** Per status class: last cumulative count / bucket counts seen. */
  last: Map<HistogramChild, { count: number; counts: Float64Array }>
}

function quantile(q: number, bounds: readonly number[], deltas: Float64Array, total: number): number | null {
  if (total <= 0) return null
  const rank = q * total
  let cum = 0
  for (let i = 0; i < deltas.length; i++) {
    const prev = cum
    cum += deltas[i]!
    if (cum >= rank) {
      if (i >= bounds.length) return bounds[bounds.length - 1] ?? null
      const lower = i === 0 ? 0 : bounds[i - 1]!
      const upper = bounds[i]!
      const inBucket = deltas[i]!
      return inBucket === 0 ? upper : lower + (upper - lower) * ((rank - prev) / inBucket)
    }
  }
  return bounds[bounds.length - 1] ?? null
}

/**
 * Creates the console's route series: every `stepMs`, the duration histogram's children are read (the same
 * counts `/metrics` exposes), summed per method × route × tenant across statuses, and turned into one point of
 * rate, 5xx rate and p50/p95/p99. Bounded by `maxSeries × points`; series beyond `maxSeries` are counted as
 * dropped.
 *
 * @example
 * const series = createRouteSeries({ histogram, names, maxSeries: 200, points: 60, stepMs: 60_000, onDrop })
 * setInterval(() => series.sample(), 60_000)
 */
export function createRouteSeries(options: RouteSeriesOptions): RouteSeries {
  const { histogram, names } = options
  const idx = (label: string) => histogram.labelNames.indexOf(label)
  const iMethod = idx(names.labels.method)
  const iRoute = idx(names.labels.route)
  const iStatus = idx(names.labels.status)
  const iTenant = idx(names.labels.tenant)
  const bounds = histogram.buckets
  const held = new Map<string, Held>()
  let lastSample: number | undefined

  return {
    stepMs: options.stepMs,
    sample(now = Date.now()) {
      const stepSeconds =
        lastSample === undefined ? options.stepMs / 1000 : Math.max(0.001, (now - lastSample) / 1000)
      lastSample = now
      const acc = new Map<Held, { count: number; errors: number; deltas: Float64Array }>()
      let dropped = 0
      histogram.forEachChild((values, child) => {
        const method = values[iMethod] ?? ''
        const route = values[iRoute] ?? ''
        if (options.isOwnRoute(route)) return
        const tenant = iTenant === -1 ? undefined : values[iTenant]
        const key = `${method} ${route}\u0001${tenant ?? ''}`
        let h = held.get(key)
        if (h === undefined) {
          if (held.size >= options.maxSeries) {
            dropped++
            return
          }
          h = { method, route, tenant, points: [], last: new Map() }
          held.set(key, h)
        }
        const prev = h.last.get(child)
        const counts = child.counts
        const dCount = child.count - (prev?.count ?? 0)
        let a = acc.get(h)
        if (a === undefined) {
          a = { count: 0, errors: 0, deltas: new Float64Array(counts.length) }
          acc.set(h, a)
        }
        a.count += dCount
        if ((values[iStatus] ?? '').startsWith('5')) a.errors += dCount
        for (let i = 0; i < counts.length; i++) a.deltas[i]! += counts[i]! - (prev?.counts[i] ?? 0)
        h.last.set(child, { count: child.count, counts: Float64Array.from(counts) })
      })
      if (dropped > 0) options.onDrop(dropped)
      for (const h of held.values()) {
        const a = acc.get(h)
        const count = a?.count ?? 0
        h.points.push({
          t: now,
          rate: count / stepSeconds,
          errors: (a?.errors ?? 0) / stepSeconds,
          p50: a === undefined ? null : quantile(0.5, bounds, a.deltas, count),
          p95: a === undefined ? null : quantile(0.95, bounds, a.deltas, count),
          p99: a === undefined ? null : quantile(0.99, bounds, a.deltas, count),
        })
        if (h.points.length > options.points) h.points.splice(0, h.points.length - options.points)
      }
    },
    list(f) {
      const out: RouteSeriesView[] = []
      for (const h of held.values()) {
        if (f.route !== undefined && h.route !== f.route) continue
        if (f.tenant !== undefined && h.tenant !== f.tenant) continue
        out.push({ method: h.method, route: h.route, tenant: h.tenant, points: h.points })
      }
      return out
    },
    get size() {
      return held.size
    },
  }
}
