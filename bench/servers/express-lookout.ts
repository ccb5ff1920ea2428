/** Express + Lookout with the features named in LOOKOUT_BENCH_FEATURES (see fastify-lookout.ts). */
import express from 'express'
import { createLookout } from 'lookout'
import { lookout as lookoutMiddleware } from 'lookout/express'
import pino from 'pino'
import { announce, features, openBenchDb, realisticWork } from './common.ts'

const f = features()
const logger = pino(
  { level: f.has('log') ? 'info' : 'silent' },
  pino.destination({ dest: '/dev/null', sync: false }),
)
const lookout = createLookout(
  {
    service: 'bench',
    metrics: { processMetrics: false, hostMetrics: false },
    logging: { requestLog: { enabled: f.has('log') } },
    tracing: f.has('trace10')
      ? { enabled: true, sampleRate: 0.1 }
      : f.has('trace100')
        ? { enabled: true, sampleRate: 1 }
        : { enabled: false },
  } as never,
  { env: {}, logger },
)
const app = express()
const mw = lookoutMiddleware({ lookout })
app.use(mw)
const db = openBenchDb()
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' })
})
app.post('/orders', express.json(), (req, res) => {
  res.json(realisticWork(db, req.body))
})
app.use(mw.errors)
const server = app.listen(0, '127.0.0.1', () => announce((server.address() as { port: number }).port))
