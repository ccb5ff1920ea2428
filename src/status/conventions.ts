/**
 * Every name the status area emits or serves, in one place: statuses, metric and label names, routes, the lease.
 * Dashboards, docs and tests read these same constants.
 */

/** What a component can be, as the public sees it (worst last). */
export const COMPONENT_STATUSES = Object.freeze(['operational', 'degraded', 'outage'] as const)

/** A component's observed status. */
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number]

/**
 * What a stored sample can say: an observed status, or `maintenance` when the component was inside a scheduled
 * maintenance window (the observed status is kept as the sample's private `detail`). Maintenance samples count
 * neither for nor against uptime and never open incidents.
 */
export type SampleStatus = ComponentStatus | 'maintenance'

/** What a day bar or the current status can show: a sample status, or `nodata` when nothing was sampled. */
export type DisplayStatus = SampleStatus | 'nodata'

/** Order used to pick "the worst status of the day": higher is worse. */
export const STATUS_SEVERITY: Readonly<Record<DisplayStatus, number>> = Object.freeze({
  nodata: 0,
  maintenance: 1,
  operational: 2,
  degraded: 3,
  outage: 4,
})

/** Incident statuses an operator can set (`resolved` closes it). */
export const INCIDENT_STATUSES = Object.freeze([
  'investigating',
  'identified',
  'monitoring',
  'resolved',
] as const)

/** An incident status. */
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number]

/** Incident impacts (Statuspage's vocabulary). */
export const INCIDENT_IMPACTS = Object.freeze(['none', 'minor', 'major', 'critical'] as const)

/** An incident impact. */
export type IncidentImpact = (typeof INCIDENT_IMPACTS)[number]

/** Metric names of the status area. */
export const STATUS_METRIC_NAMES = Object.freeze({
  /** Latest observed status per component: 1 operational, 0.5 degraded, 0 outage. */
  component: 'lookout_status_component',
  /** 1 while the component is inside a maintenance window, else 0. */
  maintenance: 'lookout_status_component_maintenance',
  /** Sampler runs by outcome (`sampled`, `skipped_not_leader`, `failed`). */
  samplerRuns: 'lookout_status_sampler_runs_total',
  /** Incidents opened automatically, by cause (`samples`, `alert`, `slo_alert`). */
  incidentsOpened: 'lookout_status_incidents_opened_total',
})

/** Label names of the status metrics. */
export const STATUS_LABELS = Object.freeze({ component: 'component', outcome: 'outcome', cause: 'cause' })

/** Values of `lookout_status_component` per observed status (the health gauge's scale). */
export const STATUS_GAUGE_VALUE: Readonly<Record<ComponentStatus, number>> = Object.freeze({
  operational: 1,
  degraded: 0.5,
  outage: 0,
})

/** Outcomes of `lookout_status_sampler_runs_total`. */
export const SAMPLER_OUTCOMES = Object.freeze(['sampled', 'skipped_not_leader', 'failed'] as const)

/** Routes of the status area (the page path is configurable; this is its default). */
export const STATUS_ROUTES = Object.freeze({
  publicStatus: '/public/status',
  publicIncidents: '/public/status/incidents',
  page: '/status',
  incidents: '/observability/status/incidents',
  incident: '/observability/status/incidents/:id',
  maintenance: '/observability/status/maintenance',
  maintenanceWindow: '/observability/status/maintenance/:id',
})

/** Lease that elects the replica running the sampler when several share a store. */
export const STATUS_SAMPLER_LEASE = 'lookout:status-sampler'

/** Number of daily bars on the page. */
export const HISTORY_DAYS = 90

/** Days of the rolling uptime figure. */
export const UPTIME_DAYS = 30

/** One UTC day in milliseconds. */
export const DAY_MS = 86_400_000
