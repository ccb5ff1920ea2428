import { gunzipSync } from 'node:zlib'
import Fastify, { type FastifyInstance } from 'fastify'
import pino from 'pino'
import { Profile } from 'pprof-format'
import { lookout } from '../../../src/fastify/index.ts'
import { createLookout, type Lookout, type LookoutOptions } from '../../../src/index.ts'

/** The operator key every profiling test app accepts (unscoped), and a tenant-scoped one. */
export const OPERATOR_KEY = 'ops-key-0123456789abcdef'
export const TENANT_KEY = 'tenant-key-0123456789abcdef'
export const AUTH = { authorization: `Bearer ${OPERATOR_KEY}` }

/** A Fastify app with Lookout (profiling on), an operator key, captured logs and a `/hello` route. */
export interface ProfilingApp {
  readonly app: FastifyInstance
  readonly instance: Lookout
  readonly logs: string[]
  readonly url: string
  metric(series: string): Promise<number | undefined>
  close(): Promise<void>
}

/**
 * Builds and starts the app (on 127.0.0.1:0 when `listen`).
 *
 * @example
 * const p = await profilingApp({ profiling: { maxSeconds: 5 } })
 * t.after(() => p.close())
 */
export async function profilingApp(
  options: LookoutOptions = {},
  { listen = false }: { listen?: boolean } = {},
): Promise<ProfilingApp> {
  const logs: string[] = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) })
  const instance = createLookout(
    {
      service: 'profiled',
      version: '1.2.3',
      environment: 'test',
      instance: 'node-a',
      operator: { keys: [OPERATOR_KEY, { key: TENANT_KEY, tenant: 'acme' }] },
      ...options,
      profiling: { enabled: true, ...options.profiling },
    },
    { env: { LOOKOUT_STORE_URL: 'sqlite::memory:' }, logger },
  )
  const app = Fastify()
  await app.register(lookout, { lookout: instance })
  app.get('/hello', async () => ({ hello: 'world' }))
  let url = ''
  if (listen) url = await app.listen({ port: 0, host: '127.0.0.1' })
  else await app.ready()
  return {
    app,
    instance,
    logs,
    url,
    async metric(series) {
      const text = await instance.registry.expose('prometheus')
      for (const line of text.split('\n')) {
        if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1))
      }
      return undefined
    },
    async close() {
      await app.close()
      await instance.shutdown()
    },
  }
}

/** Decodes a gzipped pprof. */
export function decodePprof(body: Buffer | Uint8Array): Profile {
  return Profile.decode(gunzipSync(body))
}

/** Total of sample value `valueIndex` over samples whose stack contains a function named `name`. */
export function valueInFunction(profile: Profile, name: string, valueIndex = 0): number {
  const strings = profile.stringTable.strings
  const fnIds = new Set(
    profile.function.filter((f) => strings[Number(f.name)] === name).map((f) => Number(f.id)),
  )
  const locIds = new Set(
    profile.location
      .filter((l) => l.line.some((line) => fnIds.has(Number(line.functionId))))
      .map((l) => Number(l.id)),
  )
  let total = 0
  for (const sample of profile.sample) {
    if (sample.locationId.some((id) => locIds.has(Number(id)))) total += Number(sample.value[valueIndex])
  }
  return total
}

/** Sample type names (`type/unit`) of a profile. */
export function sampleTypes(profile: Profile): string[] {
  const s = profile.stringTable.strings
  return profile.sampleType.map((t) => `${s[Number(t.type)]}/${s[Number(t.unit)]}`)
}

/**
 * Keeps the main thread busy in a distinctively named function, 15 ms of every 20 ms, until stopped — the
 * "known busy function" the profile tests look for.
 */
export function spinLookoutZebraWhile(): () => void {
  const timer = setInterval(function lookoutBusyZebraTick() {
    lookoutBusyZebra(15)
  }, 20)
  return () => clearInterval(timer)
}

/** Burns CPU for `ms` (the name is what the tests search for in profiles). */
export function lookoutBusyZebra(ms: number): number {
  const end = performance.now() + ms
  let x = 0
  while (performance.now() < end) x += Math.sqrt(x + 1)
  return x
}
