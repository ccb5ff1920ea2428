import { bindChildren } from '../metrics/bindChildren.ts'
import type { CounterChild } from '../metrics/counterFamily.ts'
import type { GaugeChild } from '../metrics/gaugeFamily.ts'
import type { MetricRegistry } from '../metrics/metricRegistry.ts'
import {
  PROFILE_KINDS,
  PROFILE_OUTCOMES,
  PROFILING_LABELS,
  PROFILING_METRIC_NAMES,
  type ProfileKind,
  type ProfileOutcome,
  PUSH_OUTCOMES,
  type PushOutcome,
} from './conventions.ts'

/** The profiling area's metrics, every child bound once at install time. */
export interface ProfilingMetrics {
  /** `lookout_profiles_total{kind,outcome}`. */
  profile(kind: ProfileKind, outcome: ProfileOutcome): void
  /** `lookout_profile_pushes_total{outcome}`. */
  push(outcome: PushOutcome): void
  /** `lookout_profile_push_queue_size`. */
  readonly queue: GaugeChild
}

/**
 * Registers `lookout_profiles_total`, `lookout_profile_pushes_total` and `lookout_profile_push_queue_size` and
 * binds every (kind, outcome) child up front, so all series exist from the first scrape.
 *
 * @example
 * const metrics = createProfilingMetrics(lookout.registry)
 * metrics.profile('cpu', 'ok')
 */
export function createProfilingMetrics(registry: MetricRegistry): ProfilingMetrics {
  const profiles = registry.counter({
    name: PROFILING_METRIC_NAMES.profiles,
    help: 'On-demand CPU and heap profiles by kind and outcome',
    labelNames: [PROFILING_LABELS.kind, PROFILING_LABELS.outcome],
  })
  const pushes = registry.counter({
    name: PROFILING_METRIC_NAMES.pushes,
    help: 'Continuous profiling windows pushed to Pyroscope, by outcome (dropped = lost to a slow receiver)',
    labelNames: [PROFILING_LABELS.outcome],
  })
  const queue = registry.gauge({
    name: PROFILING_METRIC_NAMES.pushQueue,
    help: 'Encoded profiling windows waiting to be pushed to Pyroscope',
  })
  const profileChildren = new Map<string, CounterChild>()
  for (const kind of PROFILE_KINDS) {
    for (const outcome of PROFILE_OUTCOMES)
      profileChildren.set(`${kind}:${outcome}`, profiles.labels(kind, outcome))
  }
  const pushChildren = bindChildren(pushes, PUSH_OUTCOMES)
  return {
    profile(kind, outcome) {
      profileChildren.get(`${kind}:${outcome}`)?.inc()
    },
    push(outcome) {
      pushChildren.get(outcome)?.inc()
    },
    queue: queue.labels(),
  }
}
