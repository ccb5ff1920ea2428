import { kysely } from '../kyselyModule.ts'
import type { RepositoryContext } from '../storeDb.ts'

/** One health sample of one component. */
export interface HealthSample {
  readonly component: string
  /** `operational` | `degraded` | `outage` (the status area's vocabulary). */
  readonly status: string
  readonly latencyMs?: number | null | undefined
  readonly detail?: string | null | undefined
  /** Default: the store clock. */
  readonly sampledAt?: number | undefined
}

/** A stored health sample. */
export interface StoredHealthSample {
  readonly id: number
  readonly component: string
  readonly status: string
  readonly latencyMs: number | null
  readonly detail: string | null
  readonly sampledAt: number
}

/** How many samples of one component had one status in one bucket (see `countByStatus`). */
export interface SampleStatusCount {
  readonly component: string
  readonly status: string
  /** Bucket index: `floor((sampled_at - from) / bucketMs)`; 0 when no `bucketMs` was given. */
  readonly bucket: number
  readonly count: number
}

/** Health samples (the status page's source; 90-day retention by default). */
export interface HealthSamplesRepository {
  insertMany(samples: readonly HealthSample[]): Promise<void>
  /** Samples with `from <= sampled_at < to`, oldest first; all components unless `component` is given. */
  range(from: number, to: number, component?: string): Promise<StoredHealthSample[]>
  /** The newest `limit` samples of a component (default 1), newest first. */
  latest(component: string, limit?: number): Promise<StoredHealthSample[]>
  /** Distinct component names seen, sorted. */
  components(): Promise<string[]>
  deleteBefore(before: number): Promise<number>
  /**
   * Sample counts per component, status and time bucket for `from <= sampled_at < to`, aggregated in the
   * database (the status page's uptime and daily bars read 90 days without loading the rows). Without
   * `bucketMs` the whole range is one bucket (0).
   */
  countByStatus(from: number, to: number, bucketMs?: number): Promise<SampleStatusCount[]>
}

/**
 * Creates the health samples repository.
 *
 * @example
 * await store.healthSamples.insertMany([{ component: 'api', status: 'operational', latencyMs: 3 }])
 */
export function createHealthSamplesRepository(ctx: RepositoryContext): HealthSamplesRepository {
  const { db } = ctx
  const toSample = (r: {
    id: number
    component: string
    status: string
    latency_ms: number | null
    detail: string | null
    sampled_at: number
  }): StoredHealthSample => ({
    id: Number(r.id),
    component: r.component,
    status: r.status,
    latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
    detail: r.detail,
    sampledAt: Number(r.sampled_at),
  })
  return {
    async insertMany(samples) {
      if (samples.length === 0) return
      const now = ctx.now()
      await db
        .insertInto('health_samples')
        .values(
          samples.map((s) => ({
            component: s.component,
            status: s.status,
            latency_ms: s.latencyMs ?? null,
            detail: s.detail ?? null,
            sampled_at: s.sampledAt ?? now,
          })),
        )
        .execute()
    },
    async range(from, to, component) {
      let q = db
        .selectFrom('health_samples')
        .selectAll()
        .where('sampled_at', '>=', from)
        .where('sampled_at', '<', to)
      if (component !== undefined) q = q.where('component', '=', component)
      const rows = await q.orderBy('sampled_at').orderBy('id').execute()
      return rows.map(toSample)
    },
    async latest(component, limit = 1) {
      const rows = await db
        .selectFrom('health_samples')
        .selectAll()
        .where('component', '=', component)
        .orderBy('sampled_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.min(Math.max(Math.trunc(limit), 1), 10_000))
        .execute()
      return rows.map(toSample)
    },
    async components() {
      const rows = await db
        .selectFrom('health_samples')
        .select('component')
        .distinct()
        .orderBy('component')
        .execute()
      return rows.map((r) => r.component)
    },
    async deleteBefore(before) {
      const res = await db.deleteFrom('health_samples').where('sampled_at', '<', before).executeTakeFirst()
      return Number(res.numDeletedRows)
    },
    async countByStatus(from, to, bucketMs) {
      const start = Math.trunc(from)
      const size = bucketMs === undefined ? 0 : Math.max(1, Math.trunc(bucketMs))
      // Integer division on both engines (bigint / bigint on PostgreSQL, integer / integer on SQLite). The
      // literals are inlined as validated integers so PostgreSQL need not infer parameter types in GROUP BY.
      const { sql } = kysely()
      const bucket =
        size === 0 ? sql<number>`0` : sql<number>`((sampled_at - ${sql.lit(start)}) / ${sql.lit(size)})`
      const rows = await db
        .selectFrom('health_samples')
        .select([
          'component',
          'status',
          bucket.as('bucket'),
          (eb) => eb.fn.countAll<number | string>().as('count'),
        ])
        .where('sampled_at', '>=', start)
        .where('sampled_at', '<', Math.trunc(to))
        .groupBy(['component', 'status', sql`3`])
        .execute()
      return rows.map((r) => ({
        component: r.component,
        status: r.status,
        bucket: Number(r.bucket),
        count: Number(r.count),
      }))
    },
  }
}
