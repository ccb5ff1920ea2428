import type { RepositoryContext } from '../storeDb.ts'

/** One time bucket of an SLO: good and total events counted in it. */
export interface SloBucket {
  readonly tenant: string
  readonly slo: string
  /** Bucket start, epoch ms (the SLO area chooses the bucket width). */
  readonly bucketStart: number
  readonly good: number
  readonly total: number
}

/** SLO measurement buckets (in-process measurement persisted so it survives restarts). */
export interface SloBucketsRepository {
  /**
   * Adds counts to buckets (creating them as needed) in one transaction-safe upsert per bucket:
   * `good += bucket.good`, `total += bucket.total`. Several replicas may add to the same bucket.
   */
  add(buckets: readonly SloBucket[]): Promise<void>
  /** Buckets of one SLO with `from <= bucket_start < to`, oldest first. */
  range(tenant: string, slo: string, from: number, to: number): Promise<SloBucket[]>
  /** Sum of good and total over `from <= bucket_start < to`. */
  sum(tenant: string, slo: string, from: number, to: number): Promise<{ good: number; total: number }>
  /** Deletes buckets starting before `before` (ms); returns how many. */
  deleteBefore(before: number): Promise<number>
}

/**
 * Creates the SLO buckets repository.
 *
 * @example
 * await store.sloBuckets.add([{ tenant: 'acme', slo: 'availability', bucketStart: 1714550400000, good: 98, total: 100 }])
 * await store.sloBuckets.sum('acme', 'availability', Date.now() - 30 * 86_400_000, Date.now())
 */
export function createSloBucketsRepository(ctx: RepositoryContext): SloBucketsRepository {
  const { db } = ctx
  return {
    async add(buckets) {
      for (const b of buckets) {
        await db
          .insertInto('slo_buckets')
          .values({ tenant: b.tenant, slo: b.slo, bucket_start: b.bucketStart, good: b.good, total: b.total })
          .onConflict((oc) =>
            oc.columns(['tenant', 'slo', 'bucket_start']).doUpdateSet((eb) => ({
              good: eb('slo_buckets.good', '+', eb.ref('excluded.good')),
              total: eb('slo_buckets.total', '+', eb.ref('excluded.total')),
            })),
          )
          .execute()
      }
    },
    async range(tenant, slo, from, to) {
      const rows = await db
        .selectFrom('slo_buckets')
        .selectAll()
        .where('tenant', '=', tenant)
        .where('slo', '=', slo)
        .where('bucket_start', '>=', from)
        .where('bucket_start', '<', to)
        .orderBy('bucket_start')
        .execute()
      return rows.map((r) => ({
        tenant: r.tenant,
        slo: r.slo,
        bucketStart: Number(r.bucket_start),
        good: Number(r.good),
        total: Number(r.total),
      }))
    },
    async sum(tenant, slo, from, to) {
      const row = await db
        .selectFrom('slo_buckets')
        .select((eb) => [
          eb.fn.sum<number | string | null>('good').as('good'),
          eb.fn.sum<number | string | null>('total').as('total'),
        ])
        .where('tenant', '=', tenant)
        .where('slo', '=', slo)
        .where('bucket_start', '>=', from)
        .where('bucket_start', '<', to)
        .executeTakeFirst()
      return { good: Number(row?.good ?? 0), total: Number(row?.total ?? 0) }
    },
    async deleteBefore(before) {
      const res = await db.deleteFrom('slo_buckets').where('bucket_start', '<', before).executeTakeFirst()
      return Number(res.numDeletedRows)
    },
  }
}
