/**
 * The domain presets of `instrument()`: each fixes a metric base name, its labels and the values they may take,
 * once, for the kinds of work services commonly measure by hand. Values outside a preset's set are a
 * registration error when given up front, and fold into `other` when they only appear at runtime.
 */
export interface InstrumentPreset {
  /** Base name: the wrapper records `<name>_total{...}` and `<name>_duration_seconds{...}`. */
  readonly name: string
  readonly help: string
  /** Allowed `operation` values (`other` is always allowed). */
  readonly operations: readonly string[]
  /** Allowed `status` values; the first is used on success and `error` on a throw unless classified. */
  readonly statuses: readonly string[]
  /** Span/log event type for this preset (`auth`, `db`, …). */
  readonly eventType: string
}

const p = (preset: InstrumentPreset): InstrumentPreset => Object.freeze(preset)

/** Every built-in preset, by key. */
export const INSTRUMENT_PRESETS = Object.freeze({
  auth: p({
    name: 'auth_operations',
    help: 'Authentication operations',
    operations: ['login', 'logout', 'register', 'verify', 'mfa', 'password_reset', 'oauth_callback'],
    statuses: ['success', 'failure', 'locked', 'error'],
    eventType: 'auth',
  }),
  token: p({
    name: 'token_operations',
    help: 'Token issue/refresh/validation operations',
    operations: ['issue', 'refresh', 'validate', 'revoke', 'exchange'],
    statuses: ['success', 'invalid', 'expired', 'error'],
    eventType: 'token',
  }),
  user: p({
    name: 'user_operations',
    help: 'User management operations',
    operations: ['create', 'read', 'update', 'delete', 'list'],
    statuses: ['success', 'not_found', 'conflict', 'error'],
    eventType: 'user.operation',
  }),
  authz: p({
    name: 'authz_checks',
    help: 'Authorization decisions',
    operations: ['check'],
    statuses: ['allow', 'deny', 'error'],
    eventType: 'authz',
  }),
  db: p({
    name: 'db_queries',
    help: 'Database queries',
    operations: ['select', 'insert', 'update', 'delete', 'transaction', 'migrate'],
    statuses: ['success', 'error'],
    eventType: 'db',
  }),
  cache: p({
    name: 'cache_operations',
    help: 'Cache look-ups and writes',
    operations: ['get', 'set', 'delete'],
    statuses: ['hit', 'miss', 'success', 'error'],
    eventType: 'cache',
  }),
  dependency: p({
    name: 'dependency_calls',
    help: 'Calls to external dependencies',
    operations: ['call'],
    statuses: ['success', 'failure', 'timeout', 'circuit_open', 'error'],
    eventType: 'dependency',
  }),
  task: p({
    name: 'background_tasks',
    help: 'Background tasks',
    operations: ['run'],
    statuses: ['success', 'error'],
    eventType: 'task',
  }),
  message: p({
    name: 'messages',
    help: 'Messages produced and consumed',
    operations: ['produce', 'consume'],
    statuses: ['success', 'error'],
    eventType: 'message',
  }),
  ai: p({
    name: 'ai_requests',
    help: 'External AI/LLM calls',
    operations: ['completion', 'chat', 'embedding', 'moderation'],
    statuses: ['success', 'rate_limited', 'error'],
    eventType: 'ai',
  }),
})

/** Name of a built-in preset. */
export type PresetName = keyof typeof INSTRUMENT_PRESETS

/** Severities of `securityEvent()`. */
export const SECURITY_SEVERITIES = Object.freeze(['low', 'medium', 'high', 'critical'] as const)
/** A `securityEvent()` severity: `low`, `medium`, `high` or `critical`. */
export type SecuritySeverity = (typeof SECURITY_SEVERITIES)[number]

/** Built-in security event types (config may add more). */
export const SECURITY_EVENT_TYPES: readonly string[] = Object.freeze([
  'login_failed',
  'account_locked',
  'brute_force',
  'csrf_violation',
  'rate_limited',
  'invalid_token',
  'permission_denied',
  'suspicious_request',
  'session_hijack',
])

/** Circuit breaker states as the gauge reports them. */
export const CIRCUIT_STATES = Object.freeze({ closed: 0, open: 1, half_open: 2 } as const)
/** A circuit breaker state for `circuitState()`: `closed`, `open` or `half_open`. */
export type CircuitState = keyof typeof CIRCUIT_STATES

/** Names of the non-wrapper domain metrics. */
export const DOMAIN_METRIC_NAMES = Object.freeze({
  securityEvents: 'security_events_total',
  rateLimitHits: 'rate_limit_hits_total',
  circuitState: 'circuit_breaker_state',
  circuitBreaks: 'circuit_breaks_total',
  aiTokens: 'ai_tokens_total',
})
