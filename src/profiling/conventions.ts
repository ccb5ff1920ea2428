/**
 * Every name the profiling area emits or serves, in one place: metric and label names, route paths, Pyroscope
 * query parameters. Dashboards and docs read these same constants.
 */

/** Metric names of the profiling area. */
export const PROFILING_METRIC_NAMES = Object.freeze({
  /** On-demand profiles by kind (`cpu`, `heap`) and outcome (see {@link PROFILE_OUTCOMES}). */
  profiles: 'lookout_profiles_total',
  /** Continuous windows by outcome (see {@link PUSH_OUTCOMES}); `dropped` counts windows a slow receiver cost. */
  pushes: 'lookout_profile_pushes_total',
  /** Encoded windows waiting to be pushed. */
  pushQueue: 'lookout_profile_push_queue_size',
})

/** Label names of the profiling metrics. */
export const PROFILING_LABELS = Object.freeze({ kind: 'kind', outcome: 'outcome' })

/** Kinds of on-demand profile. */
export const PROFILE_KINDS = ['cpu', 'heap'] as const
/** A kind of on-demand profile: `cpu` or `heap`. */
export type ProfileKind = (typeof PROFILE_KINDS)[number]

/**
 * Outcomes of an on-demand profile: `ok`; `busy` (409, another on-demand profile of that kind runs); `invalid` (400, bad query);
 * `aborted` (the client went away); `error` (the profiler failed).
 */
export const PROFILE_OUTCOMES = ['ok', 'busy', 'invalid', 'aborted', 'error'] as const
/** The `outcome` label of `lookout_profiles_total`. */
export type ProfileOutcome = (typeof PROFILE_OUTCOMES)[number]

/**
 * Outcomes of a continuous window: `ok` (2xx); `rejected` (non-2xx answer); `failed` (network error or timeout);
 * `dropped` (the queue was full because the receiver is slow); `error` (capturing or encoding failed).
 */
export const PUSH_OUTCOMES = ['ok', 'rejected', 'failed', 'dropped', 'error'] as const
/** The `outcome` label of `lookout_profile_pushes_total`. */
export type PushOutcome = (typeof PUSH_OUTCOMES)[number]

/** Ops routes of the profiling area. */
export const PROFILING_PATHS = Object.freeze({
  cpu: '/observability/profile/cpu',
  heap: '/observability/profile/heap',
})

/** `spyName` Lookout reports to Pyroscope (the Node.js SDK's name, so Pyroscope's UI treats frames as JS). */
export const PYROSCOPE_SPY_NAME = 'nodespy'

/** The multipart form field and file name Pyroscope's `/ingest` reads a pprof upload from. */
export const PYROSCOPE_FORM_FIELD = 'profile'
export const PYROSCOPE_FORM_FILENAME = 'profile.pprof'
