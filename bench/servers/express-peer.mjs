/**
 * The Express peer stack: express-prom-bundle (prom-client), pino-http request logging (stdout, asynchronous) and
 * the OpenTelemetry SDK with the http and express instrumentations, exporting to the loopback OTLP sink at
 * `BENCH_TRACE_RATIO`.
 */
import { createRequire } from 'node:module'
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express'
import { announce } from './common.mjs'
import { startPeerTracing } from './peerTracing.mjs'

startPeerTracing([new ExpressInstrumentation()])
// Required after the SDK started: the express instrumentation patches Express when it is required.
const require = createRequire(import.meta.url)
const express = require('express')
const promBundle = require('express-prom-bundle')
const pino = require('pino')
const { pinoHttp } = require('pino-http')

const app = express()
app.use(promBundle({ includeMethod: true, includePath: true, includeStatusCode: true }))
app.use(pinoHttp({ logger: pino(pino.destination({ dest: 1, sync: false })) }))
app.get('/users/:id', (req, res) => {
  res.json({ id: req.params.id })
})
const server = app.listen(0, '127.0.0.1', () => announce(server))
