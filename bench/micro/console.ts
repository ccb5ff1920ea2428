// The console's memory at its default bounds (buffers filled, heap delta after GC) and its cost per request
// (the same app with the console off and on, interleaved rounds of sequential keep-alive requests).
// Run: node --expose-gc --conditions=lookout-source --import tsx bench/micro/console.ts
import { once } from 'node:events'
import { Agent, createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { context, trace } from '@opentelemetry/api'
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base'
import { resolveConfig } from '../../src/config/resolveConfig.ts'
import { createLogBuffer } from '../../src/console/logBuffer.ts'
import { createRouteSeries } from '../../src/console/routeSeries.ts'
import { createTraceBuffer } from '../../src/console/traceBuffer.ts'
import { createLookout } from '../../src/core/createLookout.ts'
import { withLookout } from '../../src/http/adapters/node.ts'
import { createLogger } from '../../src/logging/createLogger.ts'
import { HTTP_METRIC_NAMES } from '../../src/metrics/conventions.ts'
import { createMetricRegistry } from '../../src/metrics/metricRegistry.ts'
import { createMemorySpanExporter } from '../../src/tracing/createMemorySpanExporter.ts'
import { typicalLine } from './typicalLine.ts'

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')
const heap = () => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}
const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`
const defaults = resolveConfig({ console: { enabled: true } }, {}).console

// ── memory at the default bounds ──
{
  const before = heap()
  const traces = createTraceBuffer({ ...defaults.traces, onDrop: () => {} })
  const tracer = new BasicTracerProvider({ spanProcessors: [traces.processor] }).getTracer('bench')
  const line = typicalLine()
  for (let i = 0; i < defaults.traces.maxTraces * 2; i++) {
    const root = tracer.startSpan('POST /auth/login', {
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/auth/login',
        'http.response.status_code': 200,
        'url.path': '/auth/login',
        'url.scheme': 'http',
        'server.address': 'identity.internal',
        'server.port': 8000,
        'client.address': '203.0.113.9',
        'network.protocol.version': '1.1',
        'user_agent.original': String(line.user_agent),
        'lookout.request_id': String(line.request_id),
        'lookout.tenant_id': 'acme',
      },
    })
    const parent = trace.setSpan(context.active(), root)
    for (const op of ['auth.login', 'db.select', 'token.issue'])
      tracer
        .startSpan(
          op,
          { attributes: { 'db.operation.name': 'select', 'db.operation.status': 'success' } },
          parent,
        )
        .end()
    root.end()
  }
  const afterTraces = heap()
  const logs = createLogBuffer({ ...defaults.logs, onDrop: () => {} })
  for (let i = 0; i < defaults.logs.maxLines * 2; i++)
    logs.add(
      `${JSON.stringify({ level: 'info', time: new Date().toISOString(), ...line, msg: 'request completed' })}\n`,
    )
  const afterLogs = heap()
  const registry = createMetricRegistry({ maxSeriesPerMetric: 100_000 })
  const names = HTTP_METRIC_NAMES.prometheus
  const histogram = registry.histogram({
    name: names.duration,
    help: 'h',
    labelNames: [names.labels.method, names.labels.route, names.labels.status, names.labels.tenant],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  })
  const beforeSeries = heap()
  const long = createRouteSeries({
    histogram,
    names,
    maxSeries: defaults.metrics.maxSeries,
    points: defaults.metrics.points,
    stepMs: 60_000,
    onDrop: () => {},
    isOwnRoute: () => false,
  })
  const fine = createRouteSeries({
    histogram,
    names,
    maxSeries: defaults.metrics.maxSeries,
    points: defaults.metrics.finePoints,
    stepMs: 10_000,
    onDrop: () => {},
    isOwnRoute: () => false,
  })
  for (let r = 0; r < defaults.metrics.maxSeries; r++)
    histogram.labels('GET', `/route/${r}`, '200', 'acme').observe(0.01)
  for (let p = 0; p < defaults.metrics.points; p++) {
    for (let r = 0; r < defaults.metrics.maxSeries; r++)
      histogram.labels('GET', `/route/${r}`, '200', 'acme').observe(0.02)
    long.sample(p * 60_000)
    fine.sample(p * 10_000)
  }
  const afterSeries = heap()
  console.log(
    `traces  ${traces.size} traces × 4 spans (${mib(traces.bytes)} of span JSON): heap +${mib(afterTraces - before)}`,
  )
  console.log(
    `logs    ${logs.size} lines (${mib(logs.bytes)} of text): heap +${mib(afterLogs - afterTraces)}`,
  )
  console.log(
    `series  ${long.size} series × (${defaults.metrics.points} + ${defaults.metrics.finePoints}) points: heap +${mib(afterSeries - beforeSeries)}`,
  )
  console.log(
    `total at the defaults: heap +${mib(afterTraces - before + afterLogs - afterTraces + afterSeries - beforeSeries)}`,
  )
}

// ── cost per request, console off vs on ──
async function app(consoleOn: boolean, exporter = false) {
  const options = {
    service: 'bench',
    environment: 'production',
    console: { enabled: consoleOn },
    ...(exporter ? { tracing: { spanExporter: createMemorySpanExporter() } } : {}),
  }
  const sink = { write: (_: string) => true }
  const lookout = createLookout(options, { env: {}, logger: createLogger(resolveConfig(options, {}), sink) })
  const log = lookout.getLogger('bench')
  const handler = withLookout(
    (_req, res) => {
      lookout.tracing.withSpan('db.select', () => log.info({ event: 'order_loaded' }, 'order loaded'))
      res.end('ok')
    },
    { lookout, route: (req) => (req.url?.startsWith('/orders/') ? '/orders/:id' : undefined) },
  )
  const server = createServer(handler)
  await lookout.start()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const one = () =>
    new Promise<void>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/orders/1', agent }, (res) => {
        res.resume()
        res.on('end', resolve)
      })
        .on('error', reject)
        .end()
    })
  return {
    async round(n: number) {
      const t0 = process.hrtime.bigint()
      for (let i = 0; i < n; i++) await one()
      return Number(process.hrtime.bigint() - t0) / n / 1000
    },
    async close() {
      agent.destroy()
      server.close()
      await lookout.shutdown()
    },
  }
}

const off = await app(false)
const on = await app(true)
// The same app recording its spans to an exporter (an in-memory one): what the console adds beyond span recording.
const exported = await app(false, true)
await off.round(2000)
await on.round(2000)
await exported.round(2000)
const offRuns: number[] = []
const onRuns: number[] = []
const expRuns: number[] = []
for (let i = 0; i < 7; i++) {
  offRuns.push(await off.round(3000))
  onRuns.push(await on.round(3000))
  expRuns.push(await exported.round(3000))
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const mOff = median(offRuns)
const mOn = median(onRuns)
console.log(
  `per request (sequential keep-alive, median of 7 interleaved rounds of 3000): off ${mOff.toFixed(1)} µs, on ${mOn.toFixed(1)} µs, on/off ${(mOn / mOff).toFixed(3)} (+${(mOn - mOff).toFixed(1)} µs)`,
)
const mExp = median(expRuns)
console.log(
  `with a span exporter in both: off ${mExp.toFixed(1)} µs, on ${mOn.toFixed(1)} µs, on/off ${(mOn / mExp).toFixed(3)} (+${(mOn - mExp).toFixed(1)} µs)`,
)
await exported.close()
await off.close()
await on.close()
