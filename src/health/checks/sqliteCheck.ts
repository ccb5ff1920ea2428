import { existsSync } from 'node:fs'
import { requireNodeSqlite } from '../../util/requireNodeSqlite.ts'
import type { HealthCheck } from '../healthCheck.ts'

/** Anything with `prepare(sql).get()`: a `node:sqlite` `DatabaseSync`, a better-sqlite3 `Database`. */
export interface SqliteDatabase {
  prepare(sql: string): { get(...params: unknown[]): unknown }
}

/** Options of {@link sqliteCheck}. */
export interface SqliteCheckOptions {
  /** An open database handle, or a file path (opened read-only per run with `node:sqlite`, must exist). */
  readonly target: SqliteDatabase | string
  /** Default `sqlite`. */
  readonly name?: string
  /** Default 1000 ms. */
  readonly timeoutMs?: number
  /** Default `true`. */
  readonly critical?: boolean
}

/**
 * SQLite check: `SELECT 1` on the handle (or on the file, opened read-only) and its latency. SQLite drivers are
 * synchronous, so a run cannot be interrupted; it is fast unless the file is locked for long.
 *
 * @example
 * import { DatabaseSync } from 'node:sqlite'
 * const db = new DatabaseSync('app.db')
 * createLookout({ health: { checks: [sqliteCheck({ target: db })] } })
 */
export function sqliteCheck(options: SqliteCheckOptions): HealthCheck {
  const target = options.target
  // Loaded at configuration time (without Node 22's experimental warning), so the first run does not block the
  // loop evaluating it; a failure to load fails each run.
  const driver =
    typeof target === 'string'
      ? new Promise<typeof import('node:sqlite')>((resolve) => resolve(requireNodeSqlite()))
      : undefined
  driver?.catch(() => {})
  const run =
    typeof target === 'string'
      ? async function sqliteFileCheck() {
          const { DatabaseSync } = await driver!
          if (!existsSync(target)) throw new Error(`${target} does not exist`)
          const db = new DatabaseSync(target, { readOnly: true })
          try {
            db.exec('PRAGMA busy_timeout = 500')
            db.prepare('SELECT 1').get()
          } finally {
            db.close()
          }
        }
      : function sqliteHandleCheck() {
          target.prepare('SELECT 1').get()
        }
  return {
    name: options.name ?? 'sqlite',
    timeoutMs: options.timeoutMs ?? 1000,
    critical: options.critical ?? true,
    componentType: 'datastore',
    measurement: 'responseTime',
    run,
  }
}
