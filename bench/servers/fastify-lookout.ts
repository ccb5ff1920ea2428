/**
 * Fastify + Lookout with the features named in LOOKOUT_BENCH_FEATURES:
 *   metrics  – HTTP metrics (always on in Lookout configurations)
 *   log      – request log line per request (to /dev/null through pino's async destination)
 *   context  – AsyncLocalStorage request context
 *   trace10 / trace100 – server spans at 10 % / 100 % sampling (no exporter endpoint: spans are created, sampled
 *                        ones are batched and dropped by the no-op export)
 */
import Fastify from 'fastify'
import { createLookout } from 'lookout'
import { lookout as lookoutPlugin } from 'lookout/fastify'
import pino from 'pino'
import { announce, features, openBenchDb, realisticWork } from './common.ts'

const f = features()
const logger = pino(
  { level: f.has('log') ? 'info' : 'silent' },
  pino.destination({ dest: '/dev/null', sync: false }),
)
// Options for areas other than metrics are only passed when the area exists in this build, so the same script
// measures whatever the tree contains.
const options: Record<string, unknown> = {
  service: 'bench',
  metrics: { processMetrics: false, hostMetrics: false },
}
options.logging = { requestLog: { enabled: f.has('log') } }
if (f.has('trace10')) options.tracing = { enabled: true, sampleRate: 0.1 }
if (f.has('trace100')) options.tracing = { enabled: true, sampleRate: 1 }
if (!f.has('trace10') && !f.has('trace100')) options.tracing = { enabled: false }

let lookout: ReturnType<typeof createLookout>
try {
  lookout = createLookout(options, { env: {}, logger })
} catch (err) {
  // An option this build does not know yet: fall back to metrics-only and say so.
  process.stderr.write(
    `bench: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}; using metrics-only\n`,
  )
  lookout = createLookout(
    { service: 'bench', metrics: { processMetrics: false, hostMetrics: false } },
    { env: {}, logger },
  )
}
const app = Fastify({ loggerInstance: logger })
await app.register(lookoutPlugin, { lookout })
const db = openBenchDb()
app.get('/hello', async () => ({ hello: 'world' }))
app.post('/orders', async (req) => realisticWork(db, req.body))
await app.listen({ port: 0, host: '127.0.0.1' })
announce((app.server.address() as { port: number }).port)
