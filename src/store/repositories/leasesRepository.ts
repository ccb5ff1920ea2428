import type { RepositoryContext } from '../storeDb.ts'

/** Who holds a lease and until when. */
export interface LeaseHolder {
  readonly name: string
  readonly owner: string
  readonly until: number
}

/** Named leases for leader election among replicas sharing the store. */
export interface LeasesRepository {
  /**
   * Takes or renews lease `name` for `owner` for `ttlMs`: succeeds when nobody holds it, when `owner` already
   * holds it (renewal), or when the holder's lease has expired. One atomic upsert, so two replicas racing for
   * the same lease never both win.
   */
  acquire(name: string, owner: string, ttlMs: number): Promise<boolean>
  /** Gives the lease up if `owner` holds it. */
  release(name: string, owner: string): Promise<void>
  /** The current holder, if the lease exists and has not expired. */
  holder(name: string): Promise<LeaseHolder | undefined>
}

/**
 * Creates the leases repository. Times come from the store clock of each replica, so keep TTLs far above the
 * clock skew between hosts (seconds, not milliseconds).
 *
 * @example
 * if (await store.leases.acquire('status-sampler', instanceId, 90_000)) await sampleOnce()
 */
export function createLeasesRepository(ctx: RepositoryContext): LeasesRepository {
  const { db } = ctx
  return {
    async acquire(name, owner, ttlMs) {
      const now = ctx.now()
      const row = await db
        .insertInto('leases')
        .values({ name, owner, until: now + ttlMs })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet((eb) => ({ owner: eb.ref('excluded.owner'), until: eb.ref('excluded.until') }))
            .where((eb) => eb.or([eb('leases.owner', '=', owner), eb('leases.until', '<', now)])),
        )
        .returning('owner')
        .executeTakeFirst()
      return row !== undefined && row.owner === owner
    },
    async release(name, owner) {
      await db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute()
    },
    async holder(name) {
      const row = await db.selectFrom('leases').selectAll().where('name', '=', name).executeTakeFirst()
      if (row === undefined || Number(row.until) < ctx.now()) return undefined
      return { name: row.name, owner: row.owner, until: Number(row.until) }
    },
  }
}
