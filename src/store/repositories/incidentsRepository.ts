import type { Selectable } from 'kysely'
import { inTransaction, parseJson, type RepositoryContext } from '../storeDb.ts'
import type { IncidentsTable } from '../storeSchema.ts'

/** An incident to open. */
export interface NewIncident {
  readonly title: string
  /** Default `investigating`. */
  readonly status?: string
  /** `none` | `minor` | `major` | `critical`. Default `minor`. */
  readonly impact?: string
  readonly components: readonly string[]
  /** Opened by the status sampler. Default `false`. */
  readonly automatic?: boolean
  /** First timeline entry. */
  readonly message: string
  /** Default: the store clock. */
  readonly startedAt?: number
}

/** One timeline entry. */
export interface IncidentUpdate {
  readonly id: number
  readonly incidentId: number
  readonly status: string
  readonly message: string
  readonly createdAt: number
}

/** An incident as read. */
export interface Incident {
  readonly id: number
  readonly title: string
  readonly status: string
  readonly impact: string
  readonly components: string[]
  readonly automatic: boolean
  readonly startedAt: number
  readonly resolvedAt: number | null
  readonly createdAt: number
  readonly updatedAt: number
}

/** Incidents and their timelines. */
export interface IncidentsRepository {
  /** Opens an incident with its first update in one transaction; returns its id. */
  create(incident: NewIncident): Promise<number>
  /**
   * Adds a timeline entry and moves the incident to `status` (`resolved` sets `resolved_at`; any other status
   * clears it). Optionally changes impact/title. Returns `false` when the incident does not exist.
   */
  addUpdate(
    id: number,
    update: { status: string; message: string; impact?: string; title?: string; at?: number },
  ): Promise<boolean>
  get(id: number): Promise<(Incident & { updates: IncidentUpdate[] }) | undefined>
  /** Newest first. `open: true` → only unresolved; `since` → started or resolved at/after it. */
  list(options?: { open?: boolean; since?: number; limit?: number }): Promise<Incident[]>
  /** Timelines of several incidents, oldest entry first. */
  updatesFor(ids: readonly number[]): Promise<Map<number, IncidentUpdate[]>>
  /** Unresolved automatic incidents that include `component`. */
  openAutomaticFor(component: string): Promise<Incident[]>
  /** Deletes resolved incidents (and updates) resolved before `before`; returns how many incidents. */
  deleteResolvedBefore(before: number): Promise<number>
}

function toIncident(r: Selectable<IncidentsTable>): Incident {
  return {
    id: Number(r.id),
    title: r.title,
    status: r.status,
    impact: r.impact,
    components: parseJson<string[]>(r.components, []),
    automatic: Number(r.automatic) === 1,
    startedAt: Number(r.started_at),
    resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }
}

/**
 * Creates the incidents repository.
 *
 * @example
 * const id = await store.incidents.create({ title: 'API degraded', components: ['api'], automatic: true,
 *   message: 'api has been degraded for 3 samples' })
 * await store.incidents.addUpdate(id, { status: 'resolved', message: 'recovered' })
 */
export function createIncidentsRepository(ctx: RepositoryContext): IncidentsRepository {
  const { db } = ctx
  return {
    async create(i) {
      const now = ctx.now()
      const started = i.startedAt ?? now
      const status = i.status ?? 'investigating'
      return inTransaction(db, async (tx) => {
        const row = await tx
          .insertInto('incidents')
          .values({
            title: i.title,
            status,
            impact: i.impact ?? 'minor',
            components: JSON.stringify(i.components),
            automatic: i.automatic ? 1 : 0,
            started_at: started,
            resolved_at: status === 'resolved' ? started : null,
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        const id = Number(row.id)
        await tx
          .insertInto('incident_updates')
          .values({ incident_id: id, status, message: i.message, created_at: started })
          .execute()
        return id
      })
    },
    async addUpdate(id, u) {
      const at = u.at ?? ctx.now()
      return inTransaction(db, async (tx) => {
        const res = await tx
          .updateTable('incidents')
          .set({
            status: u.status,
            resolved_at: u.status === 'resolved' ? at : null,
            updated_at: at,
            ...(u.impact !== undefined ? { impact: u.impact } : {}),
            ...(u.title !== undefined ? { title: u.title } : {}),
          })
          .where('id', '=', id)
          .executeTakeFirst()
        if (Number(res.numUpdatedRows) === 0) return false
        await tx
          .insertInto('incident_updates')
          .values({ incident_id: id, status: u.status, message: u.message, created_at: at })
          .execute()
        return true
      })
    },
    async get(id) {
      const row = await db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst()
      if (row === undefined) return undefined
      const updates = await this.updatesFor([id])
      return { ...toIncident(row), updates: updates.get(id) ?? [] }
    },
    async list(options = {}) {
      const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 1000)
      let q = db.selectFrom('incidents').selectAll()
      if (options.open) q = q.where('resolved_at', 'is', null)
      const since = options.since
      if (since !== undefined) {
        q = q.where((eb) =>
          eb.or([
            eb('started_at', '>=', since),
            eb('resolved_at', '>=', since),
            eb('resolved_at', 'is', null),
          ]),
        )
      }
      const rows = await q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
      return rows.map(toIncident)
    },
    async updatesFor(ids) {
      const out = new Map<number, IncidentUpdate[]>()
      if (ids.length === 0) return out
      const rows = await db
        .selectFrom('incident_updates')
        .selectAll()
        .where('incident_id', 'in', [...ids])
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      for (const r of rows) {
        const u: IncidentUpdate = {
          id: Number(r.id),
          incidentId: Number(r.incident_id),
          status: r.status,
          message: r.message,
          createdAt: Number(r.created_at),
        }
        const list = out.get(u.incidentId)
        if (list === undefined) out.set(u.incidentId, [u])
        else list.push(u)
      }
      return out
    },
    async openAutomaticFor(component) {
      const rows = await db
        .selectFrom('incidents')
        .selectAll()
        .where('resolved_at', 'is', null)
        .where('automatic', '=', 1)
        .orderBy('id')
        .execute()
      return rows.map(toIncident).filter((i) => i.components.includes(component))
    },
    async deleteResolvedBefore(before) {
      return inTransaction(db, async (tx) => {
        const old = await tx
          .selectFrom('incidents')
          .select('id')
          .where('resolved_at', 'is not', null)
          .where('resolved_at', '<', before)
          .execute()
        const ids = old.map((r) => Number(r.id))
        if (ids.length === 0) return 0
        await tx.deleteFrom('incident_updates').where('incident_id', 'in', ids).execute()
        await tx.deleteFrom('incidents').where('id', 'in', ids).execute()
        return ids.length
      })
    },
  }
}
