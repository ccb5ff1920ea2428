import Fastify, { type FastifyInstance } from 'fastify'
import { createLookout, type Lookout, type LookoutOptions } from 'lookout'
import { lookout } from 'lookout/fastify'
import pino from 'pino'

/** A Fastify app with Lookout whose log lines are captured in memory. */
export interface FrontendApp {
  readonly app: FastifyInstance
  readonly instance: Lookout
  /** Every log line written so far (raw JSON text). */
  readonly logs: string[]
  /** The Prometheus exposition. */
  metrics(): Promise<string>
  /** `http://127.0.0.1:<port>` when started with `listen`. */
  readonly url: string
  close(): Promise<void>
}

/**
 * Builds the app; `listen: true` starts it on 127.0.0.1:0 for socket tests (the tunnel), otherwise use `inject()`.
 *
 * @example
 * const fe = await frontendApp({ frontend: { report: { enabled: true } } })
 * t.after(() => fe.close())
 */
export async function frontendApp(
  options: LookoutOptions,
  { listen = false, env = {} }: { listen?: boolean; env?: Record<string, string> } = {},
): Promise<FrontendApp> {
  const logs: string[] = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) })
  // An in-memory store: never contend for the shared default SQLite file with other test files.
  const instance = createLookout(options, { env: { LOOKOUT_STORE_URL: 'sqlite::memory:', ...env }, logger })
  const app = Fastify()
  await app.register(lookout, { lookout: instance })
  let url = ''
  if (listen) url = await app.listen({ port: 0, host: '127.0.0.1' })
  else await app.ready()
  return {
    app,
    instance,
    logs,
    metrics: () => instance.registry.expose('prometheus'),
    url,
    async close() {
      await app.close()
      await instance.shutdown()
    },
  }
}

/** The value of one series in an exposition, or `undefined`. */
export function seriesValue(exposition: string, series: string): number | undefined {
  for (const line of exposition.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1))
  }
  return undefined
}
