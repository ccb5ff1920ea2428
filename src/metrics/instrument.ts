import { performance } from 'node:perf_hooks'
import { presetInvalidError } from '../errors.ts'
import type { CounterChild } from './counterFamily.ts'
import type { HistogramChild } from './histogramFamily.ts'
import {
  CIRCUIT_STATES,
  type CircuitState,
  DOMAIN_METRIC_NAMES,
  INSTRUMENT_PRESETS,
  type InstrumentPreset,
  type PresetName,
  SECURITY_EVENT_TYPES,
  SECURITY_SEVERITIES,
  SESSION_BINDING_REASONS,
  SESSION_END_REASONS,
  type SecuritySeverity,
  type SessionEvent,
  TOKEN_TYPES,
} from './instrumentPresets.ts'
import type { MetricRegistry } from './metricRegistry.ts'

/** Default buckets of `<name>_duration_seconds` (seconds). */
export const INSTRUMENT_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
])

/**
 * A classification: a status, or a status with values of the preset's per-call dimensions
 * (`{ status: 'failure', labels: { reason: 'locked' } }`).
 */
export type InstrumentClassification =
  | string
  | { readonly status: string; readonly labels?: Readonly<Record<string, string>> }

/** A dimension value declared in code: letters, digits, `_ . : / -`, at most 64 characters. */
const DIMENSION_VALUE = /^[a-zA-Z0-9_.:/-]{1,64}$/

/** What to measure: a preset + operation, or a custom name with its own allowed values. */
export type InstrumentSpec<R = unknown> = (
  | { readonly preset: PresetName; readonly operation: string }
  | {
      readonly name: string
      readonly help?: string
      readonly operation: string
      /** Allowed statuses; default `['success', 'error']`. */
      readonly statuses?: readonly string[]
      /** Event type for logs/spans. Default: the name. */
      readonly eventType?: string
    }
) & {
  /**
   * Values of the preset's dimensions for every call of this wrapper (`{ dependency: 'risk_engine' }`,
   * `{ resource: 'user', action: 'read' }`). Unknown names and malformed values are registration errors.
   */
  readonly labels?: Readonly<Record<string, string>>
  /** Status (and dimension values) for a returned value (default: the preset's first status, usually `success`). */
  readonly classify?: (result: R) => InstrumentClassification
  /** Status (and dimension values) for a thrown error (default `error`). */
  readonly classifyError?: (error: unknown) => InstrumentClassification
  /** Extra attributes for the span/log event (redacted there). */
  readonly attributes?: Readonly<Record<string, string | number | boolean>>
}

/** One instrumented call, as hooks see it. */
export interface InstrumentCall {
  readonly name: string
  readonly eventType: string
  readonly operation: string
  readonly attributes: Readonly<Record<string, string | number | boolean>> | undefined
}

/** How a call ended. */
export interface InstrumentOutcome {
  readonly status: string
  readonly durationSeconds: number
  readonly error: unknown
  /** The preset's dimension values this call recorded (`{ reason: 'locked' }`); `undefined` without dimensions. */
  readonly labels?: Readonly<Record<string, string>>
}

/**
 * Hooks other areas attach to every instrumented call: tracing wraps the call in a child span, logging writes
 * one event line. Hooks must not throw.
 */
export interface InstrumentHooks {
  around?<T>(call: InstrumentCall, run: () => T): T
  onEnd?(call: InstrumentCall, outcome: InstrumentOutcome): void
}

/** The application-facing instrumentation API. */
export interface Instrumentation {
  /**
   * Wraps a sync or async function: records `<name>_total{operation,status}` and
   * `<name>_duration_seconds{operation,status}`, plus whatever the hooks add (span, log line).
   *
   * @example
   * const login = lookout.instrument({ preset: 'auth', operation: 'login', classify: (ok) => (ok ? 'success' : 'failure') },
   *   async (email: string, password: string) => checkPassword(email, password))
   */
  instrument<A extends unknown[], R>(
    spec: InstrumentSpec<Awaited<R>>,
    fn: (...args: A) => R,
  ): (...args: A) => R
  /** Counts `security_events_total{event_type,severity}`; unknown types count as `other`. */
  securityEvent(eventType: string, severity: SecuritySeverity): void
  /** Counts `rate_limit_hits_total{endpoint}` (pass a route template, never a raw path). */
  rateLimitHit(endpoint: string): void
  /** Sets `circuit_breaker_state{breaker}` (0 closed, 1 open, 2 half-open); opening counts `circuit_breaks_total`. */
  circuitState(breaker: string, state: CircuitState): void
  /** Counts `ai_tokens_total{model,type}` (type: prompt | completion | total). */
  aiTokens(model: string, type: 'prompt' | 'completion' | 'total', count: number): void
  /**
   * Records a session event: `created` counts `sessions_created_total` and raises `sessions_active`;
   * `destroyed` counts `sessions_destroyed_total{reason}` (logout, expired, idle, revoked, replaced, other) and
   * lowers it; `binding_failed` counts `session_binding_failures_total{reason}` (ip_mismatch,
   * user_agent_mismatch, fingerprint_mismatch, tenant_mismatch, expired, other).
   *
   * @example
   * lookout.session('destroyed', 'logout')
   */
  session(event: SessionEvent, reason?: string): void
  /**
   * Sets `tokens_active{token_type}` to the number of unexpired, unrevoked tokens of a type (access, refresh, id,
   * api_key, session; others count as `other`). Only the token store knows expiries, so the app reports the count
   * it holds, e.g. after issuing and revoking or on a timer; negative or non-finite counts are ignored.
   *
   * @example
   * lookout.activeTokens('refresh', await tokens.countActive())
   */
  activeTokens(tokenType: string, count: number): void
  /** Adds hooks (used by logging and tracing). */
  use(hooks: InstrumentHooks): void
}

/** Options of {@link createInstrumentation}. */
export interface InstrumentationOptions {
  /** Extra security event types allowed as label values. Default none. */
  readonly securityEventTypes?: readonly string[]
}

/**
 * Creates the instrumentation API on a registry.
 *
 * @example
 * const inst = createInstrumentation(registry)
 * const find = inst.instrument({ preset: 'db', operation: 'select' }, (id: string) => db.find(id))
 */
export function createInstrumentation(
  registry: MetricRegistry,
  options: InstrumentationOptions = {},
): Instrumentation {
  const hooks: InstrumentHooks[] = []
  const securityTypes = new Set([...SECURITY_EVENT_TYPES, ...(options.securityEventTypes ?? [])])
  let security: ReturnType<MetricRegistry['counter']> | undefined
  let rateLimits: ReturnType<MetricRegistry['counter']> | undefined
  let circuit: ReturnType<MetricRegistry['gauge']> | undefined
  let breaks: ReturnType<MetricRegistry['counter']> | undefined
  let tokens: ReturnType<MetricRegistry['counter']> | undefined
  let activeTokens: ReturnType<MetricRegistry['gauge']> | undefined
  let sessions:
    | {
        active: ReturnType<ReturnType<MetricRegistry['gauge']>['labels']>
        created: ReturnType<ReturnType<MetricRegistry['counter']>['labels']>
        destroyed: ReturnType<MetricRegistry['counter']>
        binding: ReturnType<MetricRegistry['counter']>
      }
    | undefined

  function resolve(spec: InstrumentSpec<never>): InstrumentPreset {
    if ('preset' in spec) {
      const preset = INSTRUMENT_PRESETS[spec.preset]
      if (preset === undefined) throw presetInvalidError(String(spec.preset), 'unknown preset')
      if (!preset.operations.includes(spec.operation) && spec.operation !== 'other') {
        throw presetInvalidError(
          spec.preset,
          `operation "${spec.operation}" is not one of ${preset.operations.join(', ')}`,
        )
      }
      return preset
    }
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(spec.name))
      throw presetInvalidError(spec.name, 'name must be a metric name')
    return {
      name: spec.name,
      help: spec.help ?? `${spec.name} operations`,
      operations: [spec.operation],
      statuses: spec.statuses ?? ['success', 'error'],
      eventType: spec.eventType ?? spec.name,
    }
  }

  const api: Instrumentation = {
    instrument(spec, fn) {
      const preset = resolve(spec as InstrumentSpec<never>)
      const dims = preset.dimensions ?? []
      const fixed = dimensionValues(preset, spec.labels)
      const labelNames = ['operation', 'status', ...dims.map((d) => d.name)]
      const total = registry.counter({ name: `${preset.name}_total`, help: preset.help, labelNames })
      const duration = registry.histogram({
        name: `${preset.name}_duration_seconds`,
        help: `${preset.help}: duration in seconds`,
        labelNames,
        buckets: INSTRUMENT_BUCKETS,
      })
      const allowed = new Set([...preset.statuses, 'error', 'other'])
      const enums = dims.map((d) => (d.values === undefined ? undefined : new Set(d.values)))
      const bound = new Map<
        string,
        {
          total: CounterChild
          duration: HistogramChild
          labels: Readonly<Record<string, string>> | undefined
        }
      >()
      const series = (status: string, perCall: Readonly<Record<string, string>> | undefined) => {
        const s = allowed.has(status) ? status : 'other'
        let key = s
        let values: string[] | undefined
        if (dims.length > 0) {
          values = dims.map((d, i) => {
            if (d.fromStatus) return s
            const v = perCall?.[d.name]
            if (v === undefined) return fixed[i]!
            // Per call only an enum's values (or the wrapper's own value) are kept: the rest fold into `other`.
            return enums[i]?.has(v) || v === fixed[i] ? v : 'other'
          })
          key = `${s}\u0000${values.join('\u0000')}`
        }
        let b = bound.get(key)
        if (b === undefined) {
          const l = values === undefined ? [spec.operation, s] : [spec.operation, s, ...values]
          // Built once per series, so hooks read the dimension values without a per-call allocation.
          const labels =
            values === undefined
              ? undefined
              : Object.freeze(Object.fromEntries(dims.map((d, i) => [d.name, values![i]!])))
          b = { total: total.labels(...l), duration: duration.labels(...l), labels }
          bound.set(key, b)
        }
        return b
      }
      const call: InstrumentCall = Object.freeze({
        name: preset.name,
        eventType: preset.eventType,
        operation: spec.operation,
        attributes: spec.attributes,
      })
      const success = preset.statuses[0] ?? 'success'
      const classify = spec.classify as ((r: unknown) => InstrumentClassification) | undefined
      const classifyError = spec.classifyError

      function finish(start: number, classification: InstrumentClassification, error: unknown): void {
        const seconds = (performance.now() - start) / 1000
        const status = typeof classification === 'string' ? classification : classification.status
        const s = series(status, typeof classification === 'string' ? undefined : classification.labels)
        s.total.inc()
        s.duration.observe(seconds)
        if (hooks.length === 0) return
        const outcome: InstrumentOutcome = {
          status: allowed.has(status) ? status : 'other',
          durationSeconds: seconds,
          error,
          labels: s.labels,
        }
        for (const h of hooks) {
          try {
            h.onEnd?.(call, outcome)
          } catch {
            // Hooks are telemetry: never let them reach the caller.
          }
        }
      }
      function safeClassify(result: unknown): InstrumentClassification {
        try {
          return classify ? classify(result) : success
        } catch {
          return 'other'
        }
      }
      function safeClassifyError(error: unknown): InstrumentClassification {
        try {
          return classifyError ? classifyError(error) : 'error'
        } catch {
          return 'error'
        }
      }

      const run = function instrumented(this: unknown, ...args: unknown[]) {
        const start = performance.now()
        const exec = () => {
          let result: unknown
          try {
            result = (fn as (...a: unknown[]) => unknown).apply(this, args)
          } catch (error) {
            finish(start, safeClassifyError(error), error)
            throw error
          }
          if (
            result !== null &&
            typeof result === 'object' &&
            typeof (result as Promise<unknown>).then === 'function'
          ) {
            return (result as Promise<unknown>).then(
              (value) => {
                finish(start, safeClassify(value), undefined)
                return value
              },
              (error: unknown) => {
                finish(start, safeClassifyError(error), error)
                throw error
              },
            )
          }
          finish(start, safeClassify(result), undefined)
          return result
        }
        let wrapped = exec
        for (const h of hooks) {
          if (h.around) {
            const inner = wrapped
            const around = h.around.bind(h)
            wrapped = () => around(call, inner)
          }
        }
        return wrapped()
      }
      return run as never
    },
    securityEvent(eventType, severity) {
      security ??= registry.counter({
        name: DOMAIN_METRIC_NAMES.securityEvents,
        help: 'Security-relevant events by type and severity',
        labelNames: ['event_type', 'severity'],
      })
      const type = securityTypes.has(eventType) ? eventType : 'other'
      const sev = (SECURITY_SEVERITIES as readonly string[]).includes(severity) ? severity : 'medium'
      security.labels(type, sev).inc()
    },
    rateLimitHit(endpoint) {
      rateLimits ??= registry.counter({
        name: DOMAIN_METRIC_NAMES.rateLimitHits,
        help: 'Requests refused by a rate limit',
        labelNames: ['endpoint'],
      })
      rateLimits.labels(endpoint).inc()
    },
    circuitState(breaker, state) {
      circuit ??= registry.gauge({
        name: DOMAIN_METRIC_NAMES.circuitState,
        help: 'Circuit breaker state: 0 closed, 1 open, 2 half-open',
        labelNames: ['breaker'],
      })
      breaks ??= registry.counter({
        name: DOMAIN_METRIC_NAMES.circuitBreaks,
        help: 'Times a circuit breaker opened',
        labelNames: ['breaker'],
      })
      const value = CIRCUIT_STATES[state]
      if (value === undefined) return
      const gauge = circuit.labels(breaker)
      if (value === CIRCUIT_STATES.open && gauge.value !== CIRCUIT_STATES.open) breaks.labels(breaker).inc()
      gauge.set(value)
    },
    aiTokens(model, type, count) {
      tokens ??= registry.counter({
        name: DOMAIN_METRIC_NAMES.aiTokens,
        help: 'Tokens used by external AI/LLM calls',
        labelNames: ['model', 'type'],
      })
      tokens.labels(model, type).inc(count)
    },
    session(event, reason) {
      sessions ??= {
        active: registry
          .gauge({ name: DOMAIN_METRIC_NAMES.sessionsActive, help: 'Sessions currently active' })
          .labels(),
        created: registry
          .counter({ name: DOMAIN_METRIC_NAMES.sessionsCreated, help: 'Sessions created' })
          .labels(),
        destroyed: registry.counter({
          name: DOMAIN_METRIC_NAMES.sessionsDestroyed,
          help: 'Sessions ended, by reason',
          labelNames: ['reason'],
        }),
        binding: registry.counter({
          name: DOMAIN_METRIC_NAMES.sessionBindingFailures,
          help: 'Requests whose session did not match its binding (IP, user agent, fingerprint, tenant), by reason',
          labelNames: ['reason'],
        }),
      }
      if (event === 'created') {
        sessions.created.inc()
        sessions.active.inc()
      } else if (event === 'destroyed') {
        sessions.destroyed.labels(known(SESSION_END_REASONS, reason)).inc()
        // A session that ended before this process saw it start never drives the gauge below zero.
        if (sessions.active.value > 0) sessions.active.dec()
      } else if (event === 'binding_failed') {
        sessions.binding.labels(known(SESSION_BINDING_REASONS, reason)).inc()
      }
    },
    activeTokens(tokenType, count) {
      if (!(count >= 0) || count === Number.POSITIVE_INFINITY) return
      activeTokens ??= registry.gauge({
        name: DOMAIN_METRIC_NAMES.tokensActive,
        help: 'Tokens currently valid (unexpired, unrevoked), by type, as the token store reports them',
        labelNames: ['token_type'],
      })
      activeTokens.labels(known(TOKEN_TYPES, tokenType)).set(count)
    },
    use(h) {
      hooks.push(h)
    },
  }
  return api
}

const known = (values: readonly string[], value: string | undefined): string =>
  value !== undefined && values.includes(value) ? value : 'other'

/** The wrapper's value of each dimension: from `labels`, checked, else the dimension's default. */
function dimensionValues(
  preset: InstrumentPreset,
  labels: Readonly<Record<string, string>> | undefined,
): string[] {
  const dims = preset.dimensions ?? []
  for (const name of Object.keys(labels ?? {})) {
    const d = dims.find((x) => x.name === name)
    if (d === undefined || d.fromStatus) {
      const names = dims.filter((x) => !x.fromStatus).map((x) => x.name)
      throw presetInvalidError(
        preset.name,
        `label "${name}" is not one of ${names.length === 0 ? '(none)' : names.join(', ')}`,
      )
    }
  }
  return dims.map((d) => {
    const v = labels?.[d.name]
    if (v === undefined) return d.default
    if (!DIMENSION_VALUE.test(v))
      throw presetInvalidError(preset.name, `label ${d.name} must be 1-64 of letters, digits, "_.:/-"`)
    if (d.values !== undefined && !d.values.includes(v) && v !== 'other')
      throw presetInvalidError(preset.name, `${d.name} "${v}" is not one of ${d.values.join(', ')}`)
    return v
  })
}
