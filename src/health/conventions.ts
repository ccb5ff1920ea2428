/**
 * Every name the health area emits (metrics, labels, content type, log events), in one place, so dashboards and
 * rules generated elsewhere read the same constants.
 */
export const HEALTH_METRIC_NAMES = Object.freeze({
  /** Gauge per check: 1 = pass, 0.5 = warn (degraded), 0 = fail. Label `check`. */
  checkStatus: 'lookout_health_check_status',
  /** Gauge per check: duration of the latest run in seconds (like blackbox_exporter's probe_duration_seconds). */
  checkDuration: 'lookout_health_check_duration_seconds',
  /** Counter: app requests answered 503 by load shedding. */
  loadShed: 'lookout_load_shed_total',
  /** Gauge: 1 while the process is over a load-shedding limit. */
  overloaded: 'lookout_load_overloaded',
  /** Label of the per-check metrics. */
  checkLabel: 'check',
})

/** Value of `lookout_health_check_status` for each status. */
export const HEALTH_STATUS_VALUE = Object.freeze({ pass: 1, warn: 0.5, fail: 0 })

/** Media type of the detailed health response (draft-inadarei-api-health-check). */
export const HEALTH_CONTENT_TYPE = 'application/health+json'

/** Media type of the `legacy` health body. */
export const LEGACY_HEALTH_CONTENT_TYPE = 'application/json'

/** Path of the resolved-config endpoint (operator key required). */
export const CONFIG_ROUTE_PATH = '/observability/config'

/** Default per-check timeouts in ms (database 2 s, Redis 1 s). */
export const DEFAULT_TIMEOUTS = Object.freeze({ check: 1000, postgres: 2000, redis: 1000, http: 1000 })
