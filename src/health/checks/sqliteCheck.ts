import type { HealthCheck } from '../healthCheck.ts'

/** Anything with better-sqlite3's `prepare(sql).get()`. */
export interface SqliteDatabase {
  prepare(sql: string): { get(...params: unknown[]): unknown }
}

/** Options of {@link sqliteCheck}. */
export interface SqliteCheckOptions {
  /** A better-sqlite3 `Database`, or a file path (opened read-only per run, must exist). */
  readonly target: SqliteDatabase | string
  /** Default `sqlite`. */
  readonly name?: string
  /** Default 1000 ms. */
  readonly timeoutMs?: number
  /** Default `true`. */
  readonly critical?: boolean
}

/**
 * SQLite check: `SELECT 1` on the handle (or on the file, opened read-only) and its latency. better-sqlite3 is
 * synchronous, so a run cannot be interrupted; it is fast unless the file is locked for long.
 *
 * @example
 * import Database from 'better-sqlite3'
 * const db = new Database('app.db')
 * createLookout({ health: { checks: [sqliteCheck({ target: db })] } })
 */
export function sqliteCheck(options: SqliteCheckOptions): HealthCheck {
  const target = options.target
  // Loaded at configuration time, so the first run does not block the loop evaluating it.
  const driver = typeof target === 'string' ? import('better-sqlite3') : undefined
  driver?.catch(() => {})
  const run =
    typeof target === 'string'
      ? async function sqliteFileCheck() {
          const { default: Database } = await driver!
          const db = new Database(target, { readonly: true, fileMustExist: true, timeout: 500 })
          try {
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
