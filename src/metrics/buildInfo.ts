import { BUILD_INFO_NAMES, type Conventions, LOOKOUT_METRIC_NAMES, UNKNOWN_COMMIT } from './conventions.ts'
import type { MetricRegistry } from './metricRegistry.ts'

/** Options of {@link registerBuildInfo}. */
export interface BuildInfoOptions {
  readonly conventions: Conventions
  /** Service version (`version` option). */
  readonly version: string
  /** Source revision (`commit` option); `unknown` when unset. */
  readonly commit: string | undefined
  /** Process start, Unix seconds. */
  readonly startTimeSeconds: number
}

/**
 * Registers the deploy markers: the build-info series (value 1, labelled with version, commit and Node.js
 * version; its name follows the conventions) and `lookout_process_start_time_seconds`. A new label set or a new
 * start time is a deploy or restart, which the generated dashboards annotate.
 *
 * @example
 * registerBuildInfo(registry, { conventions: 'prometheus', version: '1.4.2', commit: 'a1b2c3d', startTimeSeconds })
 */
export function registerBuildInfo(registry: MetricRegistry, options: BuildInfoOptions): void {
  const names = BUILD_INFO_NAMES[options.conventions]
  registry
    .gauge({
      name: names.metric,
      help: 'Build of the running service (always 1): version, source revision, Node.js version',
      labelNames: [names.labels.version, names.labels.commit, names.labels.runtime],
    })
    .labels(options.version, options.commit ?? UNKNOWN_COMMIT, process.version)
    .set(1)
  registry
    .gauge({ name: LOOKOUT_METRIC_NAMES.startTime, help: 'Start time of the process, Unix seconds' })
    .labels()
    .set(options.startTimeSeconds)
}

/** Start time of this process, Unix seconds (millisecond precision). */
export function processStartTimeSeconds(): number {
  return Math.round(performance.timeOrigin) / 1000
}
