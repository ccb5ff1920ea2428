/**
 * The peer stack a team would assemble for the same features, in its best documented configuration:
 * fastify-metrics (prom-client route histogram + counter), Fastify's own pino request logging (to /dev/null,
 * async), and the OpenTelemetry Node SDK with the http instrumentation and @fastify/otel at the same sampling
 * ratio as the Lookout configuration it is compared with (LOOKOUT_BENCH_RATIO, default 0.1). Spans go to a
 * batch processor whose exporter drops them, as Lookout's does without an endpoint.
 *
 * The SDK is set up before Fastify is imported (the http instrumentation patches `node:http` on require).
 */
import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { registerInstrumentations } from '@opentelemetry/instrumentation'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type ReadableSpan,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { announce, features, openBenchDb, realisticWork } from './common.ts'

const f = features()
const ratio = Number(process.env.LOOKOUT_BENCH_RATIO ?? '0.1')
const dropping: SpanExporter = {
  export(_spans: ReadableSpan[], done) {
    done({ code: 0 })
  },
  shutdown: async () => {},
}
if (f.has('trace')) {
  const provider = new NodeTracerProvider({
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    spanProcessors: [new BatchSpanProcessor(dropping)],
  })
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  trace.setGlobalTracerProvider(provider)
  registerInstrumentations({ instrumentations: [new HttpInstrumentation()] })
}

const { default: Fastify } = await import('fastify')
const { default: pino } = await import('pino')
const app = Fastify({
  loggerInstance: f.has('log')
    ? pino(pino.destination({ dest: '/dev/null', sync: false }))
    : pino({ level: 'silent' }),
})
if (f.has('metrics')) {
  const { default: fastifyMetrics } = await import('fastify-metrics')
  await app.register(fastifyMetrics as never, { endpoint: '/metrics', defaultMetrics: { enabled: false } })
}
if (f.has('trace')) {
  const { FastifyOtelInstrumentation } = await import('@fastify/otel')
  const fastifyOtel = new FastifyOtelInstrumentation({ registerOnInitialization: false })
  await app.register(fastifyOtel.plugin())
}
const db = openBenchDb()
app.get('/hello', async () => ({ hello: 'world' }))
app.post('/orders', async (req) => realisticWork(db, req.body))
await app.listen({ port: 0, host: '127.0.0.1' })
announce((app.server.address() as { port: number }).port)
