/** Outcome of one check run: `pass`, `warn` (degraded, never fails readiness) or `fail`. */
export type HealthStatus = 'pass' | 'warn' | 'fail'

/** What the draft health format calls the kind of component checked. */
export type ComponentType = 'component' | 'datastore' | 'system'

/**
 * What a check's `run` may return. `undefined`/`true` mean pass, `false` means fail, a thrown error means fail
 * with the error's message as `output` (shown to operators only).
 */
export type HealthCheckResult =
  | undefined
  | boolean
  | {
      /** Default `pass`. */
      readonly status?: HealthStatus
      /** Observed value (default: the run's duration in ms). */
      readonly observedValue?: number | string | boolean
      /** Unit of `observedValue` (default `ms`). */
      readonly observedUnit?: string
      /** Human-readable detail (operators only). */
      readonly output?: string
    }

/**
 * A named dependency or resource check. Built-in factories (`postgresCheck`, `redisCheck`, `sqliteCheck`,
 * `httpCheck`, `diskCheck`, `memoryCheck`, `eventLoopDelayCheck`) return these; any object of this shape works.
 *
 * @example
 * const queue: HealthCheck = {
 *   name: 'queue', critical: true, timeoutMs: 500, componentType: 'component',
 *   run: async (signal) => ({ status: (await depth(signal)) > 10_000 ? 'warn' : 'pass' }),
 * }
 */
export interface HealthCheck {
  /** Unique name: `[a-z0-9][a-z0-9_.-]*`, ≤ 63 chars; the `check` label of the health metrics. */
  readonly name: string
  /**
   * Runs once. Receives a signal aborted at the timeout (close what you opened). May be synchronous. Never
   * called concurrently with itself unless an earlier call hung past its timeout.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: checks that only throw on failure return nothing
  readonly run: (signal: AbortSignal) => HealthCheckResult | void | Promise<HealthCheckResult | void>
  /** Per-run timeout in ms. Default 1000. */
  readonly timeoutMs?: number
  /** A failing critical check fails readiness; a failing non-critical one only degrades `/health` to `warn`. Default `true`. */
  readonly critical?: boolean
  /** Default `component`. */
  readonly componentType?: ComponentType
  /** Measurement name in the `component:measurement` key. Default `responseTime`. */
  readonly measurement?: string
  /** Host (and port) checked, without credentials — listed by `/observability/config`. */
  readonly endpoint?: string
  /** Releases what the check holds (pools it created); called once at shutdown. */
  readonly close?: () => void | Promise<void>
}

/** The latest result of one check, as the registry keeps it. */
export interface CheckState {
  readonly name: string
  readonly status: HealthStatus
  readonly critical: boolean
  readonly componentType: ComponentType
  readonly measurement: string
  readonly observedValue: number | string | boolean
  readonly observedUnit: string
  /** Detail for operators (error message, credentials stripped). */
  readonly output: string | undefined
  /** Duration of the run in ms. */
  readonly durationMs: number
  /** When the run finished (ISO 8601). */
  readonly time: string
}
