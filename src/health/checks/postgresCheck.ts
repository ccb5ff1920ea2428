import { DEFAULT_TIMEOUTS } from '../conventions.ts'
import type { HealthCheck } from '../healthCheck.ts'
import { urlHost } from '../stripCredentials.ts'

/** Anything with pg's `query(text)`: a `pg.Pool`, a connected `pg.Client`, or a compatible client. */
export interface PgQueryable {
  query(text: string): Promise<unknown>
}

/** Options of {@link postgresCheck}. */
export interface PostgresCheckOptions {
  /** A pg `Pool`/`Client` (queried as is) or a connection URL (a fresh connection per run, closed after). */
  readonly target: PgQueryable | string
  /** Default `postgres`. */
  readonly name?: string
  /** Default 2000 ms. */
  readonly timeoutMs?: number
  /** Default `true`. */
  readonly critical?: boolean
  /** Query run. Default `SELECT 1`. */
  readonly query?: string
}

/**
 * PostgreSQL check: runs `SELECT 1` and reports its latency. With a URL, every run opens and closes its own
 * connection (so it proves new connections work, and nothing lingers when the server hangs).
 *
 * @example
 * import pg from 'pg'
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL })
 * await app.register(lookout, { health: { checks: [postgresCheck({ target: pool })] } })
 */
export function postgresCheck(options: PostgresCheckOptions): HealthCheck {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUTS.postgres
  const query = options.query ?? 'SELECT 1'
  const target = options.target
  // Load the driver now, at configuration time, so the first run does not block the loop evaluating it.
  const driver = typeof target === 'string' ? import('pg') : undefined
  driver?.catch(() => {})
  const run =
    typeof target === 'string'
      ? async function postgresUrlCheck(signal: AbortSignal) {
          const { default: pg } = await driver!
          const client = new pg.Client({
            connectionString: target,
            connectionTimeoutMillis: timeoutMs,
            query_timeout: timeoutMs,
            application_name: 'lookout-health',
          })
          client.on('error', () => {})
          const abort = () => void client.end().catch(() => {})
          signal.addEventListener('abort', abort, { once: true })
          try {
            await client.connect()
            await client.query(query)
          } finally {
            signal.removeEventListener('abort', abort)
            void client.end().catch(() => {})
          }
        }
      : async function postgresClientCheck() {
          await target.query(query)
        }
  return {
    name: options.name ?? 'postgres',
    timeoutMs,
    critical: options.critical ?? true,
    componentType: 'datastore',
    measurement: 'responseTime',
    endpoint: typeof target === 'string' ? urlHost(target) : undefined,
    run,
  }
}
