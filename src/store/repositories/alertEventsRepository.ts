import type { Selectable } from 'kysely'
import { parseJson, type RepositoryContext } from '../storeDb.ts'
import type { AlertEventsTable } from '../storeSchema.ts'

/** Status of an alert event. */
export type AlertEventStatus = 'firing' | 'resolved' | 'acknowledged'

/** The fields of an alert event wherever it travels: the stored row, history, a channel's message. */
export interface AlertEventFields {
  readonly fingerprint: string
  readonly alertname: string
  readonly severity: string
  readonly summary: string
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
  readonly source: string
}

/** One alert event as written. */
export interface NewAlertEvent extends AlertEventFields {
  readonly tenant: string
  readonly status: AlertEventStatus
  readonly suppressed: boolean
  /** Default: the store clock. */
  readonly createdAt?: number
}

/** One alert event as read. */
export interface AlertEvent extends Required<NewAlertEvent> {
  readonly id: number
}

/** Filters of {@link AlertEventsRepository.list}. */
export interface AlertEventQuery {
  /** Page size, 1–500. Default 50. */
  readonly limit?: number
  /** Only events with an id below this (the previous page's `nextCursor`). */
  readonly before?: number
  readonly fingerprint?: string
  readonly alertname?: string
  readonly status?: AlertEventStatus
  readonly suppressed?: boolean
  /** Only events at or after this time (ms). */
  readonly since?: number
}

/** Alert history (events, including suppressed repeats). */
export interface AlertEventsRepository {
  insert(event: NewAlertEvent): Promise<number>
  get(id: number): Promise<AlertEvent | undefined>
  /** Newest first. */
  list(tenant: string, query?: AlertEventQuery): Promise<AlertEvent[]>
  /** The newest event for the fingerprint that was not suppressed (what the cooldown and resolve look at). */
  latestPassed(tenant: string, fingerprint: string): Promise<AlertEvent | undefined>
  /**
   * Across tenants, the newest event of each alert (fingerprint) whose labels carry `label`, when that event is
   * not a resolve (the alert is still firing or acknowledged); newest first, at most `limit` (default 1000).
   */
  activeWithLabel(label: string, limit?: number): Promise<AlertEvent[]>
  /** Suppressed events for the tenant since `since` (ms). */
  countSuppressed(tenant: string, since?: number): Promise<number>
  /** Deletes events older than `before` (ms) that have no unfinished delivery; returns how many. */
  deleteBefore(before: number): Promise<number>
}

function toEvent(row: Selectable<AlertEventsTable>): AlertEvent {
  return {
    id: Number(row.id),
    tenant: row.tenant,
    fingerprint: row.fingerprint,
    alertname: row.alertname,
    severity: row.severity,
    status: row.status as AlertEventStatus,
    summary: row.summary,
    labels: parseJson(row.labels, {}),
    annotations: parseJson(row.annotations, {}),
    source: row.source,
    suppressed: Number(row.suppressed) === 1,
    createdAt: Number(row.created_at),
  }
}

/**
 * Creates the alert events repository.
 *
 * @example
 * const events = createAlertEventsRepository(ctx)
 * const page = await events.list('acme', { limit: 20 })
 */
export function createAlertEventsRepository(ctx: RepositoryContext): AlertEventsRepository {
  const { db } = ctx
  return {
    async insert(e) {
      const row = await db
        .insertInto('alert_events')
        .values({
          tenant: e.tenant,
          fingerprint: e.fingerprint,
          alertname: e.alertname,
          severity: e.severity,
          status: e.status,
          summary: e.summary,
          labels: JSON.stringify(e.labels),
          annotations: JSON.stringify(e.annotations),
          source: e.source,
          suppressed: e.suppressed ? 1 : 0,
          created_at: e.createdAt ?? ctx.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return Number(row.id)
    },
    async get(id) {
      const row = await db.selectFrom('alert_events').selectAll().where('id', '=', id).executeTakeFirst()
      return row === undefined ? undefined : toEvent(row)
    },
    async list(tenant, q = {}) {
      const limit = Math.min(Math.max(Math.trunc(q.limit ?? 50), 1), 500)
      let query = db.selectFrom('alert_events').selectAll().where('tenant', '=', tenant)
      if (q.before !== undefined) query = query.where('id', '<', q.before)
      if (q.fingerprint !== undefined) query = query.where('fingerprint', '=', q.fingerprint)
      if (q.alertname !== undefined) query = query.where('alertname', '=', q.alertname)
      if (q.status !== undefined) query = query.where('status', '=', q.status)
      if (q.suppressed !== undefined) query = query.where('suppressed', '=', q.suppressed ? 1 : 0)
      if (q.since !== undefined) query = query.where('created_at', '>=', q.since)
      const rows = await query.orderBy('id', 'desc').limit(limit).execute()
      return rows.map(toEvent)
    },
    async latestPassed(tenant, fingerprint) {
      const row = await db
        .selectFrom('alert_events')
        .selectAll()
        .where('fingerprint', '=', fingerprint)
        .where('tenant', '=', tenant)
        .where('suppressed', '=', 0)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst()
      return row === undefined ? undefined : toEvent(row)
    },
    async activeWithLabel(label, limit = 1000) {
      // A JSON key is a quoted string followed by a colon (a value with that text has its quotes escaped); LIKE
      // wildcards in the name only widen the match, and the filter below is exact.
      const keyText = `%${JSON.stringify(label)}:%`
      const rows = await db
        .selectFrom('alert_events')
        .selectAll()
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('alert_events')
            .select((e) => e.fn.max('id').as('id'))
            .where('labels', 'like', keyText)
            .groupBy('fingerprint'),
        )
        .where('status', '<>', 'resolved')
        .orderBy('id', 'desc')
        .limit(Math.min(Math.max(Math.trunc(limit), 1), 10_000))
        .execute()
      return rows.map(toEvent).filter((e) => Object.hasOwn(e.labels, label))
    },
    async countSuppressed(tenant, since = 0) {
      const row = await db
        .selectFrom('alert_events')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('tenant', '=', tenant)
        .where('suppressed', '=', 1)
        .where('created_at', '>=', since)
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },
    async deleteBefore(before) {
      const res = await db
        .deleteFrom('alert_events')
        .where('created_at', '<', before)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('alert_deliveries')
                .select('alert_deliveries.id')
                .whereRef('alert_deliveries.event_id', '=', 'alert_events.id')
                .where('alert_deliveries.state', 'in', ['pending', 'in_flight']),
            ),
          ),
        )
        .executeTakeFirst()
      return Number(res.numDeletedRows)
    },
  }
}
