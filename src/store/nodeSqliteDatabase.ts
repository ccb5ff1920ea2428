import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { SqliteDatabase, SqliteStatement } from 'kysely'

type Row = Record<string, unknown>

// Statements without result columns (`columns()` is missing before Node 22.16) are told apart by their text.
const READER = /^\s*(select|with|pragma|values|explain)\b|\breturning\b/i

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
 * build: `new SqliteDialect({ database: nodeSqliteDatabase(db) })`.
 *
 * @param db an open `DatabaseSync`; closed by the returned handle's `close()` (idempotent)
 * @example
 * const { DatabaseSync } = await import('node:sqlite')
 * const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: nodeSqliteDatabase(new DatabaseSync(':memory:')) }) })
 */
export function nodeSqliteDatabase(db: DatabaseSync): SqliteDatabase & { readonly open: boolean } {
  let open = true
  return {
    get open() {
      return open
    },
    prepare: (text) => statement(db.prepare(text), text),
    close() {
      if (!open) return
      open = false
      db.close()
    },
  }
}
