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
  /** Labels beyond `operation` and `status`, in exposition order. Default none. */
  readonly dimensions?: readonly PresetDimension[]
}

/**
 * One extra label of a preset. With `values` it is an enum: a value outside it records as `other`. Without,
 * its value is declared in code when the wrapper is created (`labels: { dependency: 'risk_engine' }`), so the
 * series count is bounded by the wrappers a service creates (and by the cardinality budget).
 */
export interface PresetDimension {
  readonly name: string
  /** Allowed values (`other` is always allowed); `undefined` = declared per wrapper. */
  readonly values?: readonly string[]
  /** Value when neither the wrapper nor the call gives one. */
  readonly default: string
  /** The value is the call's status (authz `decision` = allow / deny / error). Default `false`. */
  readonly fromStatus?: boolean
}

/** `reason` values of `auth_operations` (the outcome's cause; `none` on success). */
export const AUTH_FAILURE_REASONS = Object.freeze([
  'none',
  'invalid_credentials',
  'unknown_user',
  'locked',
  'mfa_failed',
  'expired',
  'disabled',
  'rate_limited',
] as const)

/** `grant_type` values of `token_operations` (OAuth 2 grant types, `none` when not a grant). */
export const TOKEN_GRANT_TYPES = Object.freeze([
  'none',
  'password',
  'refresh_token',
  'client_credentials',
  'authorization_code',
  'device_code',
  'token_exchange',
] as const)

const p = (preset: InstrumentPreset): InstrumentPreset => Object.freeze(preset)

/** Every built-in preset, by key. */
export const INSTRUMENT_PRESETS = Object.freeze({
  auth: p({
    name: 'auth_operations',
    help: 'Authentication operations',
    operations: ['login', 'logout', 'register', 'verify', 'mfa', 'password_reset', 'oauth_callback'],
    statuses: ['success', 'failure', 'locked', 'error'],
    eventType: 'auth',
    dimensions: [{ name: 'reason', values: AUTH_FAILURE_REASONS, default: 'none' }],
  }),
  token: p({
    name: 'token_operations',
    help: 'Token issue/refresh/validation operations',
    operations: ['issue', 'refresh', 'validate', 'revoke', 'exchange'],
    statuses: ['success', 'invalid', 'expired', 'error'],
    eventType: 'token',
    dimensions: [{ name: 'grant_type', values: TOKEN_GRANT_TYPES, default: 'none' }],
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
    dimensions: [
      { name: 'resource', default: 'none' },
      { name: 'action', default: 'none' },
      { name: 'decision', values: ['allow', 'deny', 'error'], default: 'error', fromStatus: true },
    ],
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
    dimensions: [{ name: 'dependency', default: 'unknown' }],
  }),
  task: p({
    name: 'background_tasks',
    help: 'Background tasks',
    operations: ['run'],
    statuses: ['success', 'error'],
    eventType: 'task',
    dimensions: [{ name: 'task_type', default: 'none' }],
  }),
  message: p({
    name: 'messages',
    help: 'Messages produced and consumed',
    operations: ['produce', 'consume'],
    statuses: ['success', 'error'],
    eventType: 'message',
    dimensions: [{ name: 'topic', default: 'none' }],
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

/** Session lifecycle events of `session()`. */
export const SESSION_EVENTS = Object.freeze(['created', 'destroyed', 'binding_failed'] as const)
/** A `session()` event. */
export type SessionEvent = (typeof SESSION_EVENTS)[number]
/** `reason` values of `sessions_destroyed_total` (others count as `other`). */
export const SESSION_END_REASONS: readonly string[] = Object.freeze([
  'logout',
  'expired',
  'idle',
  'revoked',
  'replaced',
])
/** `reason` values of `session_binding_failures_total` (others count as `other`). */
export const SESSION_BINDING_REASONS: readonly string[] = Object.freeze([
  'ip_mismatch',
  'user_agent_mismatch',
  'fingerprint_mismatch',
  'tenant_mismatch',
  'expired',
])

/** `token_type` values of `tokens_active` (others count as `other`). */
export const TOKEN_TYPES: readonly string[] = Object.freeze(['access', 'refresh', 'id', 'api_key', 'session'])

/** Names of the non-wrapper domain metrics. */
export const DOMAIN_METRIC_NAMES = Object.freeze({
  securityEvents: 'security_events_total',
  rateLimitHits: 'rate_limit_hits_total',
  circuitState: 'circuit_breaker_state',
  circuitBreaks: 'circuit_breaks_total',
  aiTokens: 'ai_tokens_total',
  sessionsActive: 'sessions_active',
  sessionsCreated: 'sessions_created_total',
  sessionsDestroyed: 'sessions_destroyed_total',
  sessionBindingFailures: 'session_binding_failures_total',
  tokensActive: 'tokens_active',
})
