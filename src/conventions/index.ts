export { ALERTING_METRIC_NAMES, SECRET_MASK, WEBHOOK_HEADERS } from '../alerting/conventions.ts'
export { FRONTEND_METRIC_NAMES, FRONTEND_ROUTES } from '../frontend/conventions.ts'
export { HEALTH_CONTENT_TYPE, HEALTH_METRIC_NAMES } from '../health/conventions.ts'
export { LOGGING_METRIC_NAMES } from '../logging/conventions.ts'
export type { Conventions, HttpMetricNames } from '../metrics/conventions.ts'
export { HTTP_METRIC_NAMES } from '../metrics/conventions.ts'
export { INSTRUMENT_PRESETS } from '../metrics/instrumentPresets.ts'
export type { ProfileKind, ProfileOutcome, PushOutcome } from '../profiling/conventions.ts'
export { PROFILING_METRIC_NAMES, PROFILING_PATHS } from '../profiling/conventions.ts'
export { REDACTION_MARKERS } from '../redact/markers.ts'
export {
  BURN_ALERT_PAIRS,
  BURN_WINDOWS,
  SLO_ALERT_NAME,
  SLO_LABELS,
  SLO_METRIC_NAMES,
  SLO_RULE_NAMES,
} from '../slo/conventions.ts'
export type {
  ComponentStatus,
  DisplayStatus,
  IncidentImpact,
  IncidentStatus,
  SampleStatus,
} from '../status/conventions.ts'
export {
  COMPONENT_STATUSES,
  INCIDENT_IMPACTS,
  INCIDENT_STATUSES,
  STATUS_METRIC_NAMES,
  STATUS_ROUTES,
} from '../status/conventions.ts'
export { HTTP_SPAN_ATTRIBUTES, TRACING_METRIC_NAMES } from '../tracing/conventions.ts'
