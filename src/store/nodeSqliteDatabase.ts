import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { SqliteDatabase, SqliteStatement } from 'kysely'

type Row = Record<string, unknown>

// Statements without result columns (`columns()` is missing before Node 22.16) are told apart by their text.
const READER = /^\s*(select|with|pragma|values|explain)\b|\breturning\b/i

/** Options of {@link nodeSqliteDatabase}. */
export interface NodeSqliteDatabaseOptions {
  /** Prepared statements kept, by SQL text, least recently used dropped first; 0 prepares every query. Default 256. */
  readonly statementCacheSize?: number
}

/** Rows from node:sqlite have a null prototype; the store hands out ordinary objects. */
function plain(row: unknown): Row {
  return { ...(row as Row) }
}

function statement(stmt: StatementSync, text: string): SqliteStatement {
  const columns = (stmt as { columns?: () => unknown[] }).columns
  const reader = typeof columns === 'function' ? columns.call(stmt).length > 0 : READER.test(text)
  return {
    reader,
    all: (parameters) => stmt.all(...(parameters as never[])).map(plain),
    run: (parameters) => stmt.run(...(parameters as never[])),
    *iterate(parameters) {
      for (const row of stmt.iterate(...(parameters as never[]))) yield plain(row)
    },
  }
}

/**
 * Kysely's SQLite driver over Node's built-in `node:sqlite` (`DatabaseSync`), so the SQLite store needs no native
 * build: `new SqliteDialect({ database: nodeSqliteDatabase(db) })`. Statements are prepared once per SQL text and
 * reused (the store's queries are a fixed set of texts with bound parameters); the cache is bounded, dropping the
 * least recently used statement.
 *
 * @param db an open `DatabaseSync`; closed by the returned handle's `close()` (idempotent)
 * @param options `statementCacheSize` (default 256)
 * @example
 * const { DatabaseSync } = await import('node:sqlite')
 * const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: nodeSqliteDatabase(new DatabaseSync(':memory:')) }) })
 */
export function nodeSqliteDatabase(
  db: DatabaseSync,
  options: NodeSqliteDatabaseOptions = {},
): SqliteDatabase & { readonly open: boolean } {
  const limit = Math.max(0, Math.trunc(options.statementCacheSize ?? 256))
  // SQL text → statement, least recently used first (a Map iterates in insertion order; a hit re-inserts).
  // Kysely runs one query at a time on this connection (a streamed select holds it until done), so a cached
  // statement is never stepped by two queries at once. A dropped statement is finalized when collected, and
  // `db.close()` finalizes every statement still alive.
  const cache = new Map<string, SqliteStatement>()
  let open = true
  return {
    get open() {
      return open
    },
    prepare(text) {
      const cached = cache.get(text)
      if (cached !== undefined) {
        cache.delete(text)
        cache.set(text, cached)
        return cached
      }
      const prepared = statement(db.prepare(text), text)
      if (limit === 0) return prepared
      if (cache.size >= limit) cache.delete(cache.keys().next().value as string)
      cache.set(text, prepared)
      return prepared
    },
    close() {
      if (!open) return
      open = false
      cache.clear()
      db.close()
    },
  }
}
