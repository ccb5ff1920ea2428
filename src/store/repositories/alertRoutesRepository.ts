import { parseJson, type RepositoryContext } from '../storeDb.ts'

/** A tenant's stored alert routing config (the alerting area validates its shape). */
export interface StoredAlertRoutes {
  readonly tenant: string
  readonly config: unknown
  /** Increments on every write. */
  readonly version: number
  readonly updatedAt: number
}

/** Per-tenant alert routing config. */
export interface AlertRoutesRepository {
  get(tenant: string): Promise<StoredAlertRoutes | undefined>
  /** Creates or replaces the config; returns the new version. */
  put(tenant: string, config: unknown): Promise<number>
  /** Tenants that have a config, sorted. */
  tenants(): Promise<string[]>
  delete(tenant: string): Promise<boolean>
}

/**
 * Creates the alert routes repository.
 *
 * @example
 * const routes = createAlertRoutesRepository({ db, engine: 'sqlite', now: Date.now })
 * await routes.put('acme', { channels: [], routes: [] })
 */
export function createAlertRoutesRepository(ctx: RepositoryContext): AlertRoutesRepository {
  const { db } = ctx
  return {
    async get(tenant) {
      const row = await db
        .selectFrom('alert_routes')
        .selectAll()
        .where('tenant', '=', tenant)
        .executeTakeFirst()
      if (row === undefined) return undefined
      return {
        tenant: row.tenant,
        config: parseJson(row.config, {}),
        version: Number(row.version),
        updatedAt: Number(row.updated_at),
      }
    },
    async put(tenant, config) {
      const now = ctx.now()
      const row = await db
        .insertInto('alert_routes')
        .values({ tenant, config: JSON.stringify(config), version: 1, updated_at: now })
        .onConflict((oc) =>
          oc.column('tenant').doUpdateSet((eb) => ({
            config: eb.ref('excluded.config'),
            updated_at: eb.ref('excluded.updated_at'),
            version: eb('alert_routes.version', '+', 1),
          })),
        )
        .returning('version')
        .executeTakeFirstOrThrow()
      return Number(row.version)
    },
    async tenants() {
      const rows = await db.selectFrom('alert_routes').select('tenant').orderBy('tenant').execute()
      return rows.map((r) => r.tenant)
    },
    async delete(tenant) {
      const res = await db.deleteFrom('alert_routes').where('tenant', '=', tenant).executeTakeFirst()
      return Number(res.numDeletedRows) > 0
    },
  }
}
