import type { RepositoryContext } from '../storeDb.ts'

/** Keys of Alertmanager notifications already handled (fingerprint + status + startsAt). */
export interface AlertIdempotencyRepository {
  /** Records `key`; `true` when it was new, `false` when it had been seen (the notification is a repeat). */
  claim(key: string): Promise<boolean>
  /** Deletes keys recorded before `before` (ms); returns how many. */
  deleteBefore(before: number): Promise<number>
}

/**
 * Creates the Alertmanager idempotency repository.
 *
 * @example
 * if (await store.alertIdempotency.claim(`${fp}|firing|${startsAt}`)) { ... first time ... }
 */
export function createAlertIdempotencyRepository(ctx: RepositoryContext): AlertIdempotencyRepository {
  const { db } = ctx
  return {
    async claim(key) {
      const row = await db
        .insertInto('alert_idempotency')
        .values({ key, created_at: ctx.now() })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('key')
        .executeTakeFirst()
      return row !== undefined
    },
    async deleteBefore(before) {
      const res = await db.deleteFrom('alert_idempotency').where('created_at', '<', before).executeTakeFirst()
      return Number(res.numDeletedRows)
    },
  }
}
