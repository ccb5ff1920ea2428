import { parseJson, type RepositoryContext } from '../storeDb.ts'

/** A tenant's stored SLO config (the SLO area owns its shape). */
export interface StoredSloConfig {
  readonly tenant: string
  readonly config: unknown
  readonly updatedAt: number
}

/** Per-tenant SLO configuration. */
export interface SloConfigsRepository {
  get(tenant: string): Promise<StoredSloConfig | undefined>
  put(tenant: string, config: unknown): Promise<void>
  list(): Promise<StoredSloConfig[]>
  delete(tenant: string): Promise<boolean>
}

/**
 * Creates the SLO config repository.
 *
 * @example
 * await store.sloConfigs.put('acme', { availability: 0.999 })
 */
export function createSloConfigsRepository(ctx: RepositoryContext): SloConfigsRepository {
  const { db } = ctx
  return {
    async get(tenant) {
      const row = await db
        .selectFrom('slo_configs')
        .selectAll()
        .where('tenant', '=', tenant)
        .executeTakeFirst()
      return row === undefined
        ? undefined
        : { tenant: row.tenant, config: parseJson(row.config, {}), updatedAt: Number(row.updated_at) }
    },
    async put(tenant, config) {
      await db
        .insertInto('slo_configs')
        .values({ tenant, config: JSON.stringify(config), updated_at: ctx.now() })
        .onConflict((oc) =>
          oc.column('tenant').doUpdateSet((eb) => ({
            config: eb.ref('excluded.config'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute()
    },
    async list() {
      const rows = await db.selectFrom('slo_configs').selectAll().orderBy('tenant').execute()
      return rows.map((r) => ({
        tenant: r.tenant,
        config: parseJson(r.config, {}),
        updatedAt: Number(r.updated_at),
      }))
    },
    async delete(tenant) {
      const res = await db.deleteFrom('slo_configs').where('tenant', '=', tenant).executeTakeFirst()
      return Number(res.numDeletedRows) > 0
    },
  }
}
