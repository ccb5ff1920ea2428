import { type ExpositionFormat, type FamilyOptions, formatValue, MetricFamily } from './metricFamily.ts'
import { escapeLabelValue } from './metricNames.ts'
import type { SeriesBudget } from './seriesBudget.ts'

interface Exemplar {
  labels: string
  value: number
  timestamp: number
}

/**
 * One histogram series: per-bucket (non-cumulative) counts in a typed array, made cumulative at scrape time.
 * `observe()` is a short linear scan plus three increments (~20 ns); no allocation unless an exemplar is given.
 */
export class HistogramChild {
  readonly bounds: readonly number[]
  readonly counts: Float64Array
  sum = 0
  count = 0
  exemplars: (Exemplar | undefined)[] | undefined
  /**
   * The text rendered at the last scrape and the count it was rendered at: a series that saw no observation
   * since is written from here, so idle series cost one array push per scrape (most series of a large
   * exposition are idle between two scrapes). Memory: about the series' share of the exposition.
   */
  rendered: string | undefined = undefined
  renderedCount = -1
  /** Expose an empty histogram at the first scrape (see `CounterChild.zeroFirst`); set for series born after it. */
  zeroFirst = false
  renderedFormat: ExpositionFormat | undefined = undefined

  constructor(bounds: readonly number[]) {
    this.bounds = bounds
    this.counts = new Float64Array(bounds.length + 1)
  }

  /** Records one observation. Non-finite values are ignored. */
  observe(v: number): void {
    if (!(v >= 0 || v < 0) || v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) return
    const b = this.bounds
    const n = b.length
    let i = 0
    while (i < n && v > b[i]!) i++
    this.counts[i]!++
    this.sum += v
    this.count++
  }

  /**
   * Records one observation with an OpenMetrics exemplar (the last one per bucket is kept).
   * @param traceId 32 lower-hex trace id
   * @param spanId 16 lower-hex span id
   */
  observeWithExemplar(v: number, traceId: string, spanId: string): void {
    this.observe(v)
    if (!Number.isFinite(v)) return
    const b = this.bounds
    let i = 0
    while (i < b.length && v > b[i]!) i++
    if (this.exemplars === undefined) this.exemplars = new Array(b.length + 1)
    this.exemplars[i] = {
      labels: `trace_id="${escapeLabelValue(traceId)}",span_id="${escapeLabelValue(spanId)}"`,
      value: v,
      timestamp: Date.now() / 1000,
    }
  }
}

/** Histogram options: the family options plus upper bounds (strictly increasing, finite; +Inf is implicit). */
export interface HistogramOptions extends FamilyOptions {
  readonly buckets: readonly number[]
}

/**
 * A histogram family.
 *
 * @example
 * const h = registry.histogram({ name: 'db_query_duration_seconds', help: 'Query time', labelNames: ['op'], buckets: [0.01, 0.1, 1] })
 * h.labels('select').observe(0.004)
 */
export class HistogramFamily extends MetricFamily<HistogramChild> {
  readonly type = 'histogram' as const
  readonly buckets: readonly number[]
  private readonly leStrings: readonly string[]

  constructor(options: HistogramOptions, budget: SeriesBudget) {
    super(options, budget)
    this.buckets = Object.freeze([...options.buckets])
    this.leStrings = [...this.buckets.map((b) => formatValue(b)), '+Inf']
  }

  protected createChild(): HistogramChild {
    const child = new HistogramChild(this.buckets)
    child.zeroFirst = this.exposed
    return child
  }

  protected writeChild(out: string[], child: HistogramChild, labels: string, format: ExpositionFormat): void {
    if (child.zeroFirst) {
      child.zeroFirst = false
      const suffix = labels === '' ? '' : `{${labels}}`
      const prefix = labels === '' ? `${this.name}_bucket{le="` : `${this.name}_bucket{${labels},le="`
      let text = ''
      for (const le of this.leStrings) text += `${prefix}${le}"} 0\n`
      out.push(`${text}${this.name}_sum${suffix} 0\n${this.name}_count${suffix} 0\n`)
      return
    }
    if (
      child.renderedCount === child.count &&
      child.renderedFormat === format &&
      child.rendered !== undefined
    ) {
      out.push(child.rendered)
      return
    }
    const name = this.name
    const les = this.leStrings
    const exemplars = format === 'openmetrics' ? child.exemplars : undefined
    const prefix = labels === '' ? `${name}_bucket{le="` : `${name}_bucket{${labels},le="`
    const counts = child.counts
    let cumulative = 0
    let text = ''
    for (let i = 0; i < les.length; i++) {
      cumulative += counts[i]!
      const ex = exemplars === undefined ? undefined : exemplars[i]
      text +=
        ex === undefined
          ? `${prefix}${les[i]}"} ${cumulative}
`
          : `${prefix}${les[i]}"} ${cumulative} # {${ex.labels}} ${formatValue(ex.value)} ${ex.timestamp.toFixed(3)}
`
    }
    const suffix = labels === '' ? '' : `{${labels}}`
    const rendered = `${text}${name}_sum${suffix} ${formatValue(child.sum)}
${name}_count${suffix} ${child.count}
`
    child.rendered = rendered
    child.renderedCount = child.count
    child.renderedFormat = format
    out.push(rendered)
  }
}
