/**
 * The Fastify peer stack a team would assemble for Lookout's features: fastify-metrics, Fastify's own pino request
 * logging (stdout, asynchronous), and the OpenTelemetry SDK with the http instrumentation and @fastify/otel,
 * exporting to the loopback OTLP sink at `BENCH_TRACE_RATIO`.
 */
import { createRequire } from 'node:module'
import { announce } from './common.mjs'
import { startPeerTracing } from './peerTracing.mjs'

startPeerTracing()
// Required after the SDK started: the http instrumentation patches node:http as Fastify requires it.
const require = createRequire(import.meta.url)
const Fastify = require('fastify')
const pino = require('pino')
const fastifyMetrics = require('fastify-metrics')
const { FastifyOtelInstrumentation } = require('@fastify/otel')

const app = Fastify({ loggerInstance: pino(pino.destination({ dest: 1, sync: false })) })
await app.register(fastifyMetrics.default ?? fastifyMetrics, { endpoint: '/metrics' })
await app.register(new FastifyOtelInstrumentation().plugin())
app.get('/users/:id', async (req) => ({ id: req.params.id }))
await app.listen({ port: 0, host: '127.0.0.1' })
announce(app.server)
