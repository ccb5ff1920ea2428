/**
 * The Express peer stack: express-prom-bundle (prom-client, per-route histogram), pino-http request logging (to
 * /dev/null, async) and the OTel Node SDK with the http + express instrumentations at LOOKOUT_BENCH_RATIO.
 * The SDK is set up before Express is imported (the instrumentations patch modules on require).
 */
import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { registerInstrumentations } from '@opentelemetry/instrumentation'
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { announce, features, openBenchDb, realisticWork } from './common.ts'

const f = features()
const ratio = Number(process.env.LOOKOUT_BENCH_RATIO ?? '0.1')
const dropping: SpanExporter = { export: (_s, done) => done({ code: 0 }), shutdown: async () => {} }
if (f.has('trace')) {
  const provider = new NodeTracerProvider({
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    spanProcessors: [new BatchSpanProcessor(dropping)],
  })
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  trace.setGlobalTracerProvider(provider)
  registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()] })
}
const { default: express } = await import('express')
const app = express()
if (f.has('metrics')) {
  const { default: promBundle } = await import('express-prom-bundle')
  app.use(promBundle({ includeMethod: true, includePath: true, includeStatusCode: true }))
}
if (f.has('log')) {
  const { default: pino } = await import('pino')
  const { pinoHttp } = await import('pino-http')
  app.use(pinoHttp({ logger: pino(pino.destination({ dest: '/dev/null', sync: false })) }))
}
const db = openBenchDb()
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' })
})
app.post('/orders', express.json(), (req, res) => {
  res.json(realisticWork(db, req.body))
})
const server = app.listen(0, '127.0.0.1', () => announce((server.address() as { port: number }).port))
