import type { ResolvedConfig } from '../config/schema.ts'
import { sloBucketMissingError } from '../errors.ts'
import { OTEL_DURATION_BUCKETS, PROMETHEUS_DURATION_BUCKETS } from '../metrics/conventions.ts'
import { loadSloModel } from './loadSloModel.ts'
import type { SloModel } from './sloModel.ts'

/**
 * Every latency threshold (seconds) of a model, defaults and tenant overrides, sorted and distinct.
 *
 * @example
 * latencyThresholds(buildSloModel()) // [0.3, 0.8]
 */
export function latencyThresholds(model: SloModel): number[] {
  const all = new Set<number>()
  for (const list of [model.defaults, ...Object.values(model.tenants)]) {
    for (const slo of list) if (slo.thresholdSeconds !== undefined) all.add(slo.thresholdSeconds)
  }
  return [...all].sort((a, b) => a - b)
}

/**
 * Pure merge of histogram boundaries and latency thresholds: the union, sorted. With `frozen`, the buckets are
 * returned unchanged and a threshold that is not among them throws `LOOKOUT_ERR_SLO_BUCKET`.
 *
 * @example
 * mergeSloBuckets([0.1, 0.5, 1], [0.3], false) // [0.1, 0.3, 0.5, 1]
 * mergeSloBuckets([0.1, 0.5, 1], [0.3], true) // throws LOOKOUT_ERR_SLO_BUCKET
 */
export function mergeSloBuckets(
  buckets: readonly number[],
  thresholds: readonly number[],
  frozen: boolean,
): readonly number[] {
  const missing = thresholds.filter((t) => !buckets.includes(t))
  if (missing.length === 0) return buckets
  if (frozen) throw sloBucketMissingError(missing, buckets)
  return Object.freeze([...new Set([...buckets, ...missing])].sort((a, b) => a - b))
}

/**
 * The HTTP duration histogram's boundaries for a config: `metrics.buckets` (or the conventions' defaults)
 * plus every latency-SLO threshold, so `le="0.3"` exists for "p95 ≤ 300 ms". With `metrics.freezeBuckets` a
 * missing threshold throws `LOOKOUT_ERR_SLO_BUCKET` instead. SLOs disabled → the buckets unchanged.
 *
 * @example
 * effectiveBuckets(resolveConfig({})) // prom-client's defaults + 0.3 and 0.8
 */
export function effectiveBuckets(config: ResolvedConfig): readonly number[] {
  const base =
    config.metrics.buckets ??
    (config.metrics.conventions === 'otel' ? OTEL_DURATION_BUCKETS : PROMETHEUS_DURATION_BUCKETS)
  if (!config.slo.enabled) return base
  return mergeSloBuckets(base, latencyThresholds(loadSloModel(config)), config.metrics.freezeBuckets)
}
