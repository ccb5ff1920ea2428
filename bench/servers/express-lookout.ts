/** Express + Lookout with the features named in LOOKOUT_BENCH_FEATURES (see fastify-lookout.ts). */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express from 'express'
import { createLookout } from 'lookout'
import { lookout as lookoutMiddleware } from 'lookout/express'
import pino from 'pino'
import { announce, features, lookoutBenchOptions, openBenchDb, realisticWork } from './common.ts'

const f = features()
const logger = pino(
  { level: f.has('log') ? 'info' : 'silent' },
  pino.destination({ dest: '/dev/null', sync: false }),
)
const lookout = createLookout(
  lookoutBenchOptions(f, mkdtempSync(join(tmpdir(), 'lookout-bench-'))) as never,
  {
    env: {},
    logger,
  },
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
