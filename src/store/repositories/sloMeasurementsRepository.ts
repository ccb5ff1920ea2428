import { parseJson, type RepositoryContext } from '../storeDb.ts'

/** One computed SLO snapshot (compliance, budget, burn) kept as history. */
export interface SloMeasurement {
  readonly tenant: string
  readonly slo: string
  readonly measuredAt: number
  readonly compliance: number
  readonly budgetRemaining: number
  readonly burnRate: number
  /** `ok` | `warning` | `critical` | `exhausted` (the SLO area's vocabulary). */
  readonly status: string
  readonly detail?: Readonly<Record<string, unknown>> | undefined
}

/** SLO measurement history. */
export interface SloMeasurementsRepository {
  insert(m: SloMeasurement): Promise<number>
  /** Newest first, at most `limit` (1–1000, default 100), optionally only at or after `since`. */
  list(tenant: string, slo: string, options?: { since?: number; limit?: number }): Promise<SloMeasurement[]>
  deleteBefore(before: number): Promise<number>
}

/**
 * Creates the SLO measurements repository.
 *
 * @example
 * await store.sloMeasurements.insert({ tenant: 'acme', slo: 'availability', measuredAt: Date.now(),
 *   compliance: 0.9993, budgetRemaining: 0.3, burnRate: 0.7, status: 'ok' })
 */
export function createSloMeasurementsRepository(ctx: RepositoryContext): SloMeasurementsRepository {
  const { db } = ctx
  return {
    async insert(m) {
      const row = await db
        .insertInto('slo_measurements')
        .values({
          tenant: m.tenant,
          slo: m.slo,
          measured_at: m.measuredAt,
          compliance: m.compliance,
          budget_remaining: m.budgetRemaining,
          burn_rate: m.burnRate,
          status: m.status,
          detail: m.detail === undefined ? null : JSON.stringify(m.detail),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return Number(row.id)
    },
    async list(tenant, slo, options = {}) {
      const limit = Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), 1000)
      let q = db
        .selectFrom('slo_measurements')
        .selectAll()
        .where('tenant', '=', tenant)
        .where('slo', '=', slo)
      if (options.since !== undefined) q = q.where('measured_at', '>=', options.since)
      const rows = await q.orderBy('measured_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
      return rows.map((r) => ({
        tenant: r.tenant,
        slo: r.slo,
        measuredAt: Number(r.measured_at),
        compliance: Number(r.compliance),
        budgetRemaining: Number(r.budget_remaining),
        burnRate: Number(r.burn_rate),
        status: r.status,
        detail: r.detail === null ? undefined : parseJson<Record<string, unknown>>(r.detail, {}),
      }))
    },
    async deleteBefore(before) {
      const res = await db.deleteFrom('slo_measurements').where('measured_at', '<', before).executeTakeFirst()
      return Number(res.numDeletedRows)
    },
  }
}
