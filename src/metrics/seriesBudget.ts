/**
 * The cardinality budget shared by every family of one registry: at most `maxSeries` label sets per metric;
 * past it, new label sets fold into one `__overflow__` series and `onOverflow(metric)` is told (it feeds
 * `lookout_cardinality_overflow_total{metric}`).
 *
 * @example
 * const budget: SeriesBudget = { maxSeries: 2000, onOverflow: (metric) => overflow.labels(metric).inc() }
 */
export interface SeriesBudget {
  /** Max label sets per metric. Default 2000 (config `metrics.cardinality.maxSeriesPerMetric`). */
  readonly maxSeries: number
  /** Called once per refused label set use. Must not throw. */
  onOverflow(metric: string): void
}
