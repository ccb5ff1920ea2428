import assert from 'node:assert/strict'
import { test } from 'node:test'
import { trace } from '@opentelemetry/api'
import pino from 'pino'
import { createLookout } from '../../../src/core/createLookout.ts'
import { formatRouteSummary, summarizeRoutes } from '../../../src/core/routeSummary.ts'
import { createMemorySpanExporter } from '../../../src/tracing/createMemorySpanExporter.ts'

const silent = pino({ level: 'silent' })

test('the default configuration publishes no page, stores nothing, sends nothing out and does not profile', async () => {
  const lookout = createLookout({ service: 'defaults' }, { env: {}, logger: silent })
  const paths = lookout.routes.map((r) => r.route.path)
  assert.deepEqual(
    paths.filter((p) => /^\/status|\/public\/|alert|profile|sentry|frontend/.test(p)),
    [],
    `mounted: ${paths.join(', ')}`,
  )
  assert.ok(paths.includes('/metrics'))
  assert.ok(paths.includes('/health/ready'))
  assert.equal(lookout.config.alerting.enabled, false)
  assert.equal(lookout.config.status.enabled, false)
  assert.equal(lookout.config.profiling.enabled, false)
  assert.notEqual(lookout.slo, undefined, 'SLO measurement stays on, in memory')
  await lookout.start()
  assert.throws(() => lookout.store, /not open/)
  await lookout.shutdown()
})

test('with no exporter configured no span is recorded, but every span still has trace and span ids', async () => {
  const lookout = createLookout({ service: 'defaults' }, { env: {}, logger: silent })
  let traceId: string | undefined
  let recording: boolean | undefined
  await lookout.tracing.withSpan('work', async () => {
    const span = trace.getActiveSpan()
    recording = span?.isRecording()
    traceId = span?.spanContext().traceId
  })
  assert.equal(recording, false)
  assert.match(traceId ?? '', /^[0-9a-f]{32}$/)
  assert.notEqual(traceId, '0'.repeat(32))
  await lookout.shutdown()
})

test('with an exporter configured spans are recorded and exported', async () => {
  const exporter = createMemorySpanExporter()
  const lookout = createLookout(
    { service: 'defaults', tracing: { spanExporter: exporter } },
    { env: {}, logger: silent },
  )
  await lookout.tracing.withSpan('work', async () => {
    assert.equal(trace.getActiveSpan()?.isRecording(), true)
  })
  await lookout.tracing.flush()
  assert.deepEqual(
    exporter.getFinishedSpans().map((s) => s.name),
    ['work'],
  )
  await lookout.shutdown()
})

const summaryCases: [string, Record<string, unknown>, Record<string, string>, number][] = [
  ['open /metrics and detailed health in development: listed, no warning', {}, { '/metrics': 'open' }, 0],
  [
    'open /metrics and detailed health in production: two warnings',
    { environment: 'production' },
    { '/metrics': 'open', '/health/detailed': 'open' },
    2,
  ],
  [
    'a metrics token in production: /metrics protected, detailed health still warned about',
    { environment: 'production', metrics: { token: 'a-scrape-token-of-length' } },
    { '/metrics': 'metrics token' },
    1,
  ],
  [
    'metrics on their own port and no detailed health in production: nothing to warn about',
    { environment: 'production', metrics: { port: 0 }, health: { paths: { detailed: [] } } },
    {},
    0,
  ],
  [
    'under a route prefix in production: the mounted paths are listed and warned about',
    { environment: 'production', http: { routePrefix: '/_lookout' } },
    { '/_lookout/metrics': 'open', '/_lookout/health/detailed': 'open' },
    2,
  ],
  [
    'operator routes are listed as needing the operator key',
    { profiling: { enabled: true } },
    { '/observability/profile/cpu': 'operator key' },
    0,
  ],
]

for (const [name, options, expected, warnings] of summaryCases) {
  test(`route summary: ${name}`, async () => {
    const lookout = createLookout({ service: 'summary', ...options }, { env: {}, logger: silent })
    const summary = summarizeRoutes(
      lookout.config,
      lookout.routes.map((r) => r.route),
    )
    for (const [path, protection] of Object.entries(expected)) {
      assert.equal(summary.routes.find((r) => r.path === path)?.protection, protection, path)
    }
    assert.equal(summary.warnings.length, warnings, summary.warnings.join('\n'))
    assert.equal(formatRouteSummary(summary).split('\n').length, 1)
    await lookout.shutdown()
  })
}

test('start() logs one summary line naming every mounted route', async () => {
  const lines: Record<string, unknown>[] = []
  const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) })
  const lookout = createLookout({ service: 'summary' }, { env: {}, logger })
  await lookout.start()
  const summaries = lines.filter((l) => l.event === 'lookout_routes')
  assert.equal(summaries.length, 1)
  const listed = (summaries[0]!.routes as { path: string }[]).map((r) => r.path)
  assert.deepEqual(
    listed,
    lookout.routes.map((r) => r.route.path),
  )
  await lookout.shutdown()
})
