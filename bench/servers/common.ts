/**
 * Shared pieces of the benchmark servers: the routes every configuration serves (a hello-world JSON route and a
 * "realistic" route that parses a JSON body and runs a small SQLite query), and the start-up handshake with the
 * runner (the server prints `LISTENING <port>` on stdout).
 */
import Database from 'better-sqlite3'

/** A small SQLite table the realistic route queries. */
export function openBenchDb(): { lookup(id: number): unknown } {
  const db = new Database(':memory:')
  db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL)')
  const insert = db.prepare('INSERT INTO items (name, price) VALUES (?, ?)')
  for (let i = 0; i < 1000; i++) insert.run(`item-${i}`, i * 1.5)
  const byId = db.prepare('SELECT id, name, price FROM items WHERE id = ?')
  return { lookup: (id) => byId.get(id) }
}

/** The realistic route's work: validate a JSON body and query SQLite. */
export function realisticWork(
  db: { lookup(id: number): unknown },
  body: unknown,
): { item: unknown; qty: number } {
  const b = body as { id?: unknown; qty?: unknown }
  const id = typeof b?.id === 'number' ? b.id : 1
  const qty = typeof b?.qty === 'number' ? b.qty : 1
  return { item: db.lookup((id % 1000) + 1), qty }
}

/** Tells the runner which port the server listens on. */
export function announce(port: number): void {
  process.stdout.write(`LISTENING ${port}\n`)
}

/** The enabled feature flags, from LOOKOUT_BENCH_FEATURES (comma-separated). */
export function features(): Set<string> {
  return new Set((process.env.LOOKOUT_BENCH_FEATURES ?? '').split(',').filter(Boolean))
}
