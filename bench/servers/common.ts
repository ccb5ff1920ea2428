/**
 * Shared pieces of the benchmark servers: the routes every configuration serves (a hello-world JSON route and a
 * "realistic" route that parses a JSON body and runs a small SQLite query), and the start-up handshake with the
 * runner (the server prints `LISTENING <port>` on stdout).
 */
import { DatabaseSync } from 'node:sqlite'

/** A small SQLite table the realistic route queries. */
export function openBenchDb(): { lookup(id: number): unknown } {
  const db = new DatabaseSync(':memory:')
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

/**
 * Lookout options for a feature set. Areas without per-request work (alerting, status, profiling …) stay at
 * their defaults; the per-request ones are switched exactly as named: `log` (request log line), `context`
 * (AsyncLocalStorage request context), `trace10`/`trace100` (server spans at 10 %/100 % sampling, no exporter),
 * `slo` (in-process SLO counting), `only` (every other area off), `-health`/`-alerting`/`-status`/`-profiling` (one
 * area off); the sampling heap profiler is off. `defaults` keeps every default on (what `app.register(lookout)` gives) with
 * tracing at 10 %. The store lives in a temp dir per server.
 */
export function lookoutBenchOptions(f: ReadonlySet<string>, dataDir: string): Record<string, unknown> {
  const store = { url: `sqlite:${dataDir}/lookout.db` }
  if (f.has('defaults')) return { service: 'bench', store, tracing: { sampleRate: 0.1 } }
  return {
    service: 'bench',
    store,
    metrics: { processMetrics: false, hostMetrics: false },
    logging: { requestLog: { enabled: f.has('log') }, context: f.has('context'), events: false },
    tracing: f.has('trace10')
      ? { enabled: true, sampleRate: 0.1 }
      : f.has('trace100')
        ? { enabled: true, sampleRate: 1 }
        : { enabled: false },
    slo: { enabled: f.has('slo') },
    // The sampling heap profiler has a cost per allocation (V8 samples every 512 KiB allocated), so it is a
    // per-request feature too: on in `defaults`, off here.
    profiling: { heap: { enabled: false } },
    // `only`: the metrics area alone, as the fastify-metrics peer — health (probes, load shedding, pressure
    // monitor), alerting, the status page and the profiling routes off; "metrics only" is reported both ways.
    // `-health`, `-alerting`, `-status`, `-profiling` switch one area off, for A/B runs.
    ...(f.has('only')
      ? {
          health: { enabled: false },
          alerting: { enabled: false },
          status: { enabled: false },
          profiling: { enabled: false, heap: { enabled: false } },
        }
      : {}),
    ...(f.has('-health') ? { health: { enabled: false } } : {}),
    ...(f.has('-alerting') ? { alerting: { enabled: false } } : {}),
    ...(f.has('-status') ? { status: { enabled: false } } : {}),
    ...(f.has('-profiling') ? { profiling: { enabled: false, heap: { enabled: false } } } : {}),
  }
}
