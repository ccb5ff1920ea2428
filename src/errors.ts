/**
 * Every error Lookout raises, as coded factories in one place (the Fastify `FST_ERR_*` model).
 *
 * Codes are stable: a retired code is never reused. Errors are raised at registration / start-up
 * (misuse fails loudly); telemetry paths never throw into the host at runtime.
 *
 * @example
 * try { createLookout({ metrics: { buckets: [] } }) }
 * catch (err) { if (err instanceof LookoutError && err.code === 'LOOKOUT_ERR_CONFIG_INVALID') ... }
 */
export class LookoutError extends Error {
  /** Stable machine-readable code, e.g. `LOOKOUT_ERR_CONFIG_INVALID`. */
  readonly code: string
  /** Structured details (never contains secrets). */
  readonly details: Readonly<Record<string, unknown>> | undefined

  constructor(code: string, message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options)
    this.name = 'LookoutError'
    this.code = code
    this.details = details === undefined ? undefined : Object.freeze({ ...details })
  }
}

/** One configuration problem: the option path, the env variable it came from (if any) and what is accepted. */
export interface ConfigProblem {
  /** Dotted option path, e.g. `metrics.port`. */
  readonly path: string
  /** Environment variable the value came from, when it came from the environment. */
  readonly env?: string | undefined
  /** Human-readable explanation of what is accepted. */
  readonly message: string
}

/** Invalid options or environment; the message lists every problem, naming the option and variable. */
export function configInvalidError(problems: readonly ConfigProblem[]): LookoutError {
  const lines = problems.map((p) => `  - ${p.path}${p.env ? ` (${p.env})` : ''}: ${p.message}`)
  return new LookoutError(
    'LOOKOUT_ERR_CONFIG_INVALID',
    `Invalid Lookout configuration:\n${lines.join('\n')}`,
    {
      problems,
    },
  )
}

/** A metric or label name that Prometheus would reject. */
export function metricNameInvalidError(kind: 'metric' | 'label', name: string): LookoutError {
  const pattern =
    kind === 'metric' ? '[a-zA-Z_:][a-zA-Z0-9_:]*' : '[a-zA-Z_][a-zA-Z0-9_]* (not "le", not "__" prefixed)'
  return new LookoutError(
    'LOOKOUT_ERR_METRIC_NAME',
    `Invalid ${kind} name "${name}": must match ${pattern}`,
    {
      kind,
      name,
    },
  )
}

/** A label name that would create unbounded series (user id, request id, email, raw path …). */
export function labelForbiddenError(metric: string, label: string): LookoutError {
  return new LookoutError(
    'LOOKOUT_ERR_LABEL_FORBIDDEN',
    `Label "${label}" on metric "${metric}" is high-cardinality (ids, emails and raw paths are never labels); ` +
      'put it in logs or span attributes instead',
    { metric, label },
  )
}

/** A metric registered twice with a different shape. */
export function metricConflictError(name: string): LookoutError {
  return new LookoutError(
    'LOOKOUT_ERR_METRIC_CONFLICT',
    `Metric "${name}" is already registered with a different type, labels or buckets`,
    { name },
  )
}

/** Histogram buckets that are empty, unsorted or not finite. */
export function bucketsInvalidError(name: string, reason: string): LookoutError {
  return new LookoutError('LOOKOUT_ERR_BUCKETS', `Invalid buckets for "${name}": ${reason}`, { name, reason })
}

/** A label value outside a preset's allowed set (raised when instrument() is configured, not per call). */
export function presetInvalidError(preset: string, reason: string): LookoutError {
  return new LookoutError('LOOKOUT_ERR_PRESET', `Invalid instrument() preset "${preset}": ${reason}`, {
    preset,
    reason,
  })
}

/** An ops route registered twice, or with an invalid definition. */
export function routeInvalidError(route: string, reason: string): LookoutError {
  return new LookoutError('LOOKOUT_ERR_ROUTE', `Invalid ops route ${route}: ${reason}`, { route, reason })
}

/**
 * One of Lookout's routes has the method and path of a route the app has: Lookout never shadows an app route, so
 * start-up stops and names the path and the option that moves Lookout's routes.
 */
export function routeCollisionError(method: string, path: string, appRoute: string): LookoutError {
  return new LookoutError(
    'LOOKOUT_ERR_ROUTE_COLLISION',
    `Lookout's route ${method} ${path} collides with the app's route ${method} ${appRoute}. Move every Lookout ` +
      'route under a prefix with the option http.routePrefix (env LOOKOUT_ROUTE_PREFIX), e.g. "/_lookout", ' +
      "or change this route's own path option",
    { method, path, appRoute, option: 'http.routePrefix' },
  )
}

/** The plugin/adapter was used in a way it does not support. */
export function adapterMisuseError(reason: string): LookoutError {
  return new LookoutError('LOOKOUT_ERR_ADAPTER', reason)
}

/** One problem in an SLO declaration: which SLO (and tenant), which field, what is accepted. */
export interface SloProblem {
  /** `defaults` or the tenant id. */
  readonly scope: string
  readonly slo: string
  readonly field: string
  readonly message: string
}

/** SLO declarations that do not make sense (bad objective, latency without threshold, duplicate names …). */
export function sloInvalidError(problems: readonly SloProblem[]): LookoutError {
  const lines = problems.map((p) => `  - ${p.scope} / ${p.slo} / ${p.field}: ${p.message}`)
  return new LookoutError('LOOKOUT_ERR_SLO_INVALID', `Invalid SLO declaration:\n${lines.join('\n')}`, {
    problems,
  })
}

/** The SLO file (`LOOKOUT_SLO_FILE`) cannot be read or parsed. */
export function sloFileError(path: string, reason: string): LookoutError {
  return new LookoutError('LOOKOUT_ERR_SLO_FILE', `Cannot load SLO file "${path}": ${reason}`, {
    path,
    reason,
  })
}

/**
 * A latency SLO threshold that is not a boundary of the HTTP duration histogram while the buckets are frozen
 * (`metrics.freezeBuckets`): neither Prometheus rules nor the Prometheus source could measure it.
 */
export function sloBucketMissingError(
  thresholds: readonly number[],
  buckets: readonly number[],
): LookoutError {
  return new LookoutError(
    'LOOKOUT_ERR_SLO_BUCKET',
    `Latency SLO threshold(s) ${thresholds.join(', ')} s are not boundaries of the HTTP duration histogram ` +
      `[${buckets.join(', ')}] and metrics.freezeBuckets is set: add them to metrics.buckets or unfreeze`,
    { thresholds, buckets },
  )
}

/** Front-end settings that cannot work (a catalog label that looks like PII, an unusable allow-list entry …). */
export function frontendConfigError(path: string, reason: string): LookoutError {
  return new LookoutError('LOOKOUT_ERR_FRONTEND_CONFIG', `Invalid front-end setting ${path}: ${reason}`, {
    path,
    reason,
  })
}

/** The ops store URL cannot be used (unknown scheme, unreadable path). */
export function storeUrlInvalidError(reason: string): LookoutError {
  return new LookoutError('LOOKOUT_ERR_STORE_URL', `Invalid store URL: ${reason}`, { reason })
}

/** The ops store could not be opened or migrated at start-up. The cause is attached; no credentials. */
export function storeUnavailableError(engine: string, reason: string, cause?: unknown): LookoutError {
  return new LookoutError(
    'LOOKOUT_ERR_STORE_UNAVAILABLE',
    `The ${engine} store is unavailable: ${reason}`,
    { engine, reason },
    cause === undefined ? undefined : { cause },
  )
}

/**
 * The SQLite file of the store cannot be created or opened (an unwritable or missing directory, a path through a
 * file). Names the option the path came from.
 */
export function storePathError(option: string, path: string, reason: string, cause?: unknown): LookoutError {
  return new LookoutError(
    'LOOKOUT_ERR_STORE_PATH',
    `The ops store file cannot be opened: ${option} is ${JSON.stringify(path)} (${reason}); point it at a writable location`,
    { option, path, reason },
    cause === undefined ? undefined : { cause },
  )
}

/** An area that keeps its state in the ops store is on while `store.enabled` is false. */
export function storeDisabledError(area: string): LookoutError {
  return new LookoutError(
    'LOOKOUT_ERR_STORE_DISABLED',
    `${area} keeps its state in the ops store, but store.enabled is false: enable the store or set ${area}.enabled to false`,
    { area },
  )
}

/** An optional package Lookout needs for a configured feature is not installed. */
export function dependencyMissingError(pkg: string, feature: string, cause?: unknown): LookoutError {
  return new LookoutError(
    'LOOKOUT_ERR_DEPENDENCY_MISSING',
    `${feature} needs the package "${pkg}": install it next to Lookout (npm install ${pkg})`,
    { package: pkg, feature },
    cause === undefined ? undefined : { cause },
  )
}

/** The application's framework is a version the adapter does not support. */
export function frameworkVersionError(framework: string, version: string, supported: string): LookoutError {
  return new LookoutError(
    'LOOKOUT_ERR_FRAMEWORK_VERSION',
    `Lookout's ${framework} adapter supports ${framework} ${supported}; this application uses ${framework} ${version}`,
    { framework, version, supported },
  )
}

/** An alert routing config or channel definition that cannot be used. */
export function alertConfigInvalidError(reason: string, problems?: readonly unknown[]): LookoutError {
  return new LookoutError('LOOKOUT_ERR_ALERT_CONFIG', `Invalid alert routing config: ${reason}`, {
    reason,
    ...(problems === undefined ? {} : { problems }),
  })
}

/** `lookout.alerts` / `lookout.store` used before `lookout.start()` or after shutdown. */
export function storeNotStartedError(): LookoutError {
  return new LookoutError(
    'LOOKOUT_ERR_STORE_NOT_STARTED',
    'The ops store is not open: call `await lookout.start()` first (and not after `shutdown()`)',
  )
}

/** A health check with an invalid or duplicate name, missing `run`, or an out-of-range timeout. */
export function healthCheckInvalidError(name: string, reason: string): LookoutError {
  return new LookoutError('LOOKOUT_ERR_HEALTH_CHECK', `Invalid health check "${name}": ${reason}`, {
    name,
    reason,
  })
}

/** A CPU or heap profile was asked for while that profiler is held (by another request or a continuous window). */
export function profilerBusyError(
  kind: 'cpu' | 'heap',
  holder: string,
  retryAfterSeconds: number,
): LookoutError {
  return new LookoutError(
    'LOOKOUT_ERR_PROFILER_BUSY',
    `The ${kind} profiler is busy (${holder}); retry in ${retryAfterSeconds} s`,
    { kind, holder, retryAfterSeconds },
  )
}

/** A profile was asked for that this instance cannot take (profiling or heap sampling is off, or not started). */
export function profilingUnavailableError(reason: string): LookoutError {
  return new LookoutError('LOOKOUT_ERR_PROFILING_UNAVAILABLE', `Profiling is unavailable: ${reason}`, {
    reason,
  })
}

/** `lookout.profiling.cpu()` called with an out-of-range `seconds` or an unknown format. */
export function profileRequestInvalidError(reason: string): LookoutError {
  return new LookoutError('LOOKOUT_ERR_PROFILE_REQUEST', `Invalid profile request: ${reason}`, { reason })
}

/**
 * The outbound guard refused a connection (a loopback, private, link-local or metadata target). Passed to the
 * caller's HTTP client as a connection error, never thrown into the host.
 */
export function outboundRefusedError(reason: string): LookoutError {
  return new LookoutError('LOOKOUT_ERR_OUTBOUND_REFUSED', `refused by the outbound policy: ${reason}`, {
    reason,
  })
}
