import type { Kysely } from 'kysely'
import type { StoreEngine } from './migrations.ts'
import type { StoreSchema } from './storeSchema.ts'

/** A Kysely handle on the store: the pool itself or an open transaction (both are `Kysely`). */
export type StoreDb = Kysely<StoreSchema>

/** What every repository is built from: the handle, the engine (for the few dialect differences) and a clock. */
export interface RepositoryContext {
  readonly db: StoreDb
  readonly engine: StoreEngine
  /** Epoch milliseconds. */
  readonly now: () => number
}

/** Parses a JSON text column, falling back to `fallback` for corrupt or empty values (never throws). */
export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}

/** Runs `fn` in a transaction, or directly when `db` already is one (Kysely transactions do not nest). */
export function inTransaction<T>(db: StoreDb, fn: (tx: StoreDb) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn)
}
