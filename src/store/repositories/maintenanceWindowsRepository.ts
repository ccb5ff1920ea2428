import { parseJson, type RepositoryContext } from '../storeDb.ts'

/** A planned maintenance window. */
export interface MaintenanceWindow {
  readonly id: number
  readonly title: string
  readonly description: string
  readonly components: string[]
  readonly startsAt: number
  readonly endsAt: number
  readonly createdAt: number
}

/** Maintenance windows (the status page shows them; the sampler may skip incidents inside them). */
export interface MaintenanceWindowsRepository {
  create(w: {
    title: string
    description?: string
    components: readonly string[]
    startsAt: number
    endsAt: number
  }): Promise<number>
  /** One window, or `undefined`. */
  get(id: number): Promise<MaintenanceWindow | undefined>
  /** Changes the given fields; `false` when the window does not exist. */
  update(
    id: number,
    patch: {
      title?: string
      description?: string
      components?: readonly string[]
      startsAt?: number
      endsAt?: number
    },
  ): Promise<boolean>
  /** Windows active at `at` (starts_at ≤ at < ends_at). */
  activeAt(at: number): Promise<MaintenanceWindow[]>
  /** Windows ending at or after `from`, soonest first. */
  upcoming(from: number, limit?: number): Promise<MaintenanceWindow[]>
  delete(id: number): Promise<boolean>
  /** Deletes windows that ended before `before`; returns how many. */
  deleteEndedBefore(before: number): Promise<number>
}

/**
 * Creates the maintenance windows repository.
 *
 * @example
 * await store.maintenanceWindows.create({ title: 'DB upgrade', components: ['api'], startsAt, endsAt })
 */
export function createMaintenanceWindowsRepository(ctx: RepositoryContext): MaintenanceWindowsRepository {
  const { db } = ctx
  const toWindow = (r: {
    id: number
    title: string
    description: string
    components: string
    starts_at: number
    ends_at: number
    created_at: number
  }): MaintenanceWindow => ({
    id: Number(r.id),
    title: r.title,
    description: r.description,
    components: parseJson<string[]>(r.components, []),
    startsAt: Number(r.starts_at),
    endsAt: Number(r.ends_at),
    createdAt: Number(r.created_at),
  })
  const get = async (id: number): Promise<MaintenanceWindow | undefined> => {
    const row = await db.selectFrom('maintenance_windows').selectAll().where('id', '=', id).executeTakeFirst()
    return row === undefined ? undefined : toWindow(row)
  }
  return {
    async create(w) {
      const row = await db
        .insertInto('maintenance_windows')
        .values({
          title: w.title,
          description: w.description ?? '',
          components: JSON.stringify(w.components),
          starts_at: w.startsAt,
          ends_at: w.endsAt,
          created_at: ctx.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return Number(row.id)
    },
    get,
    async update(id, patch) {
      const set = {
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.components !== undefined ? { components: JSON.stringify(patch.components) } : {}),
        ...(patch.startsAt !== undefined ? { starts_at: patch.startsAt } : {}),
        ...(patch.endsAt !== undefined ? { ends_at: patch.endsAt } : {}),
      }
      if (Object.keys(set).length === 0) return (await get(id)) !== undefined
      const res = await db.updateTable('maintenance_windows').set(set).where('id', '=', id).executeTakeFirst()
      return Number(res.numUpdatedRows) > 0
    },
    async activeAt(at) {
      const rows = await db
        .selectFrom('maintenance_windows')
        .selectAll()
        .where('starts_at', '<=', at)
        .where('ends_at', '>', at)
        .orderBy('starts_at')
        .execute()
      return rows.map(toWindow)
    },
    async upcoming(from, limit = 50) {
      const rows = await db
        .selectFrom('maintenance_windows')
        .selectAll()
        .where('ends_at', '>=', from)
        .orderBy('starts_at')
        .limit(Math.min(Math.max(Math.trunc(limit), 1), 1000))
        .execute()
      return rows.map(toWindow)
    },
    async delete(id) {
      const res = await db.deleteFrom('maintenance_windows').where('id', '=', id).executeTakeFirst()
      return Number(res.numDeletedRows) > 0
    },
    async deleteEndedBefore(before) {
      const res = await db.deleteFrom('maintenance_windows').where('ends_at', '<', before).executeTakeFirst()
      return Number(res.numDeletedRows)
    },
  }
}
