/** Express + Lookout's middleware as docs/adapters.md shows; a row's extra options come from the runner. */
import { once } from 'node:events'
import express from 'express'
import { lookout } from 'lookout/express'
import { announce, rowOptions } from './common.mjs'

const app = express()
const mw = lookout({ service: 'bench', metrics: { token: process.env.METRICS_TOKEN }, ...rowOptions() })
app.use(mw)
app.get('/users/:id', (req, res) => {
  res.json({ id: req.params.id })
})
app.use(mw.errors)
const server = app.listen(0, '127.0.0.1')
mw.lookout.attachServer(server)
await mw.lookout.start()
if (!server.listening) await once(server, 'listening')
announce(server)
