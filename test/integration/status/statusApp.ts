import Fastify, { type FastifyInstance } from 'fastify'
import type { HealthCheck, Lookout, LookoutOptions } from 'lookout'
import { createLookout } from 'lookout'
import { lookout } from 'lookout/fastify'
import pino from 'pino'

/** A health check whose result the test sets (config deep-freezes the check, so the state lives outside it). */
export interface SwitchCheck {
  readonly check: HealthCheck
  /** `pass`, `warn`, or `fail` (throws with a message that must never reach the public API). */
  state: 'pass' | 'warn' | 'fail'
}

/**
 * A check the test flips; failures throw an error naming an internal host, which the public API must not show.
 *
 * @example
 * const db = switchCheck('db'); db.state = 'fail'
 */
export function switchCheck(name: string, critical = true): SwitchCheck {
  const sw: SwitchCheck = {
    state: 'pass',
    check: {
      name,
      critical,
      timeoutMs: 500,
      run() {
        if (sw.state === 'fail') throw new Error('connect ECONNREFUSED db-internal-7.prod.example:5432')
        return { status: sw.state }
      },
    },
  }
  return sw
}

/** A Fastify app with Lookout and the status page, on an in-memory or given store. */
export interface StatusApp {
  readonly app: FastifyInstance
  readonly instance: Lookout
  readonly logs: string[]
  readonly url: string
  close(): Promise<void>
}

export const OPERATOR_KEY = 'status-operator-key-0123456789abcdef'

/**
 * Starts the app (listening on 127.0.0.1:0 when `listen`), with a fast sampler by default.
 *
 * @example
 * const s = await statusApp({ health: { checks: [db] } })
 * t.after(() => s.close())
 */
export async function statusApp(
  options: LookoutOptions,
  { listen = false, storeUrl = 'sqlite::memory:' }: { listen?: boolean; storeUrl?: string } = {},
): Promise<StatusApp> {
  const logs: string[] = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) })
  const instance = createLookout(
    {
      operator: { keys: [OPERATOR_KEY] },
      metrics: { processMetrics: false, hostMetrics: false },
      ...options,
      health: { intervalMs: 50, defaultChecks: false, ...options.health },
      status: { enabled: true, intervalMs: 3_600_000, cacheSeconds: 0, ...options.status },
    },
    { env: { LOOKOUT_STORE_URL: storeUrl }, logger },
  )
  const app = Fastify()
  await app.register(lookout, { lookout: instance })
  let url = ''
  if (listen) url = await app.listen({ port: 0, host: '127.0.0.1' })
  else await app.ready()
  return {
    app,
    instance,
    logs,
    url,
    async close() {
      await app.close()
      await instance.shutdown()
    },
  }
}
