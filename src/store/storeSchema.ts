import type { Generated } from 'kysely'

/**
 * Row types of every table in the ops store, as Kysely sees them. Conventions shared by both engines:
 * timestamps are epoch milliseconds (`bigint` on PostgreSQL, read back as numbers), JSON is stored as text,
 * booleans are integers 0/1, ids are auto-increment integers.
 *
 * Only `src/store/` uses these types directly; other areas go through the repositories.
 */
export interface StoreSchema {
  alert_routes: AlertRoutesTable
  alert_events: AlertEventsTable
  alert_deliveries: AlertDeliveriesTable
  alert_idempotency: AlertIdempotencyTable
  slo_configs: SloConfigsTable
  slo_buckets: SloBucketsTable
  slo_measurements: SloMeasurementsTable
  health_samples: HealthSamplesTable
  incidents: IncidentsTable
  incident_updates: IncidentUpdatesTable
  maintenance_windows: MaintenanceWindowsTable
  leases: LeasesTable
}

export interface AlertRoutesTable {
  tenant: string
  /** JSON text of the tenant's routing config (secrets included; masked by the API, never logged). */
  config: string
  version: number
  updated_at: number
}

export interface AlertEventsTable {
  id: Generated<number>
  tenant: string
  fingerprint: string
  alertname: string
  severity: string
  /** `firing` | `resolved` | `acknowledged` */
  status: string
  summary: string
  labels: string
  annotations: string
  /** `code` | `api` | `alertmanager` | `slo` | … */
  source: string
  /** 1 when the cooldown suppressed it (recorded, not delivered). */
  suppressed: number
  created_at: number
}

export interface AlertDeliveriesTable {
  id: Generated<number>
  event_id: number
  tenant: string
  channel_id: string
  channel_type: string
  /** `trigger` | `resolve` | `acknowledge` */
  action: string
  dedup_key: string
  /** `pending` | `in_flight` | `delivered` | `dead` */
  state: string
  attempts: number
  next_attempt_at: number
  last_status: number | null
  last_error: string | null
  lease_owner: string | null
  lease_until: number | null
  created_at: number
  updated_at: number
  delivered_at: number | null
}

export interface AlertIdempotencyTable {
  key: string
  created_at: number
}

export interface SloConfigsTable {
  tenant: string
  config: string
  updated_at: number
}

export interface SloBucketsTable {
  tenant: string
  slo: string
  bucket_start: number
  good: number
  total: number
}

export interface SloMeasurementsTable {
  id: Generated<number>
  tenant: string
  slo: string
  measured_at: number
  compliance: number
  budget_remaining: number
  burn_rate: number
  status: string
  detail: string | null
}

export interface HealthSamplesTable {
  id: Generated<number>
  component: string
  status: string
  latency_ms: number | null
  detail: string | null
  sampled_at: number
}

export interface IncidentsTable {
  id: Generated<number>
  title: string
  /** `investigating` | `identified` | `monitoring` | `resolved` */
  status: string
  /** `none` | `minor` | `major` | `critical` */
  impact: string
  /** JSON array of component names. */
  components: string
  /** 1 when opened by the status sampler. */
  automatic: number
  started_at: number
  resolved_at: number | null
  created_at: number
  updated_at: number
}

export interface IncidentUpdatesTable {
  id: Generated<number>
  incident_id: number
  status: string
  message: string
  created_at: number
}

export interface MaintenanceWindowsTable {
  id: Generated<number>
  title: string
  description: string
  components: string
  starts_at: number
  ends_at: number
  created_at: number
}

export interface LeasesTable {
  name: string
  owner: string
  until: number
}
