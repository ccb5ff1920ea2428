/** Fastify + Lookout with the features named in LOOKOUT_BENCH_FEATURES (see lookoutBenchOptions in common.ts). */
import { mkdtempSync, openSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { createLineDestination, createLookout } from 'lookout'
import { fastifyOptions, lookout as lookoutPlugin } from 'lookout/fastify'
import pino from 'pino'
import { announce, features, lookoutBenchOptions, openBenchDb, realisticWork } from './common.ts'

const f = features()
// The request log goes to /dev/null through the stream Lookout's own logger writes stdout with
// (createLineDestination), as a production service's stdout.
const logger = pino({ level: 'info' }, createLineDestination({ fd: openSync('/dev/null', 'a') }))
const lookout = createLookout(
  lookoutBenchOptions(f, mkdtempSync(join(tmpdir(), 'lookout-bench-'))) as never,
  {
    env: {},
    logger,
  },
)
// With logging on, wired as docs/getting-started.md recommends: Fastify logs through Lookout, without its own
// request lines. Metrics only: no logger, as the bare server and the metrics peer run, with Lookout's log
// controller so requests start where Fastify creates them.
const logs = f.has('log') || f.has('defaults')
const app = Fastify(
  logs ? fastifyOptions(lookout) : { logger: false, logController: fastifyOptions(lookout).logController },
)
// `hook`: start requests in an onRequest hook instead of where Fastify creates them (the plugin's `startIn`), for
// A/B runs of the two start paths.
await app.register(lookoutPlugin, { lookout, startIn: f.has('hook') ? 'onRequest' : 'auto' })
const db = openBenchDb()
app.get('/hello', async () => ({ hello: 'world' }))
app.post('/orders', async (req) => realisticWork(db, req.body))
await app.listen({ port: 0, host: '127.0.0.1' })
announce((app.server.address() as { port: number }).port)
