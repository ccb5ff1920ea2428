import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { test } from 'node:test'
import { requireBuilt } from '../../support/binaries.ts'

const root = new URL('../../../', import.meta.url)

/** Packages only the processes that use them may load (see src/util/lazyRequire.ts). */
const DEFERRED = [
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/otlp-exporter-base',
  '@opentelemetry/otlp-transformer',
  '@opentelemetry/exporter-metrics-otlp-http',
  '@opentelemetry/instrumentation-http',
  '@opentelemetry/instrumentation-undici',
  '@opentelemetry/instrumentation-mysql2',
  '@opentelemetry/instrumentation-mongodb',
  'undici',
  'yaml',
  'pg',
  'mysql2',
  'mongodb',
  'pino-pretty',
  'kysely',
  'node:sqlite',
]

/**
 * Runs `body` (an ES module body) in a fresh Node process against the built package, then prints which of the
 * deferred packages were resolved by `import` or `require` (module resolution hooks see both).
 */
function loadedAfter(body: string): string[] {
  const script = `
import { registerHooks } from 'node:module'
const seen = new Set()
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context)
    seen.add(result.url)
    return result
  },
})
${body}
const deferred = ${JSON.stringify(DEFERRED)}
console.log(JSON.stringify(deferred.filter((p) => [...seen].some((u) => p.startsWith('node:') ? u === p : u.includes('/node_modules/' + p + '/')))))
process.exit(0)
`
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'production' },
    timeout: 60_000,
  })
  return JSON.parse(out.trim().split('\n').pop()!) as string[]
}

test('importing lookout and lookout/fastify loads none of the tracing SDK, exporters, undici, yaml, pg or pino-pretty', (t) => {
  if (!requireBuilt(t, 'dist/index.js')) return
  assert.deepEqual(loadedAfter(`await import('lookout'); await import('lookout/fastify')`), [])
})

test('a Fastify service with tracing off and no area that keeps state loads no deferred package, no store driver', (t) => {
  if (!requireBuilt(t, 'dist/index.js')) return
  const loaded = loadedAfter(`
const { default: Fastify } = await import('fastify')
const { lookout } = await import('lookout/fastify')
const app = Fastify()
await app.register(lookout, {
  service: 'lazy', tracing: { enabled: false }, logging: { level: 'silent' },
  alerting: { enabled: false }, status: { enabled: false },
})
app.get('/hello', async () => ({ hello: 'world' }))
await app.ready()
const res = await app.inject({ url: '/hello' })
if (res.statusCode !== 200) throw new Error('status ' + res.statusCode)
const metrics = await app.inject({ url: '/metrics' })
if (!metrics.body.includes('route="/hello"')) throw new Error('no /hello series in /metrics')
await app.close()
`)
  assert.deepEqual(loaded, [])
})

test('a configured store loads Kysely and node:sqlite, nothing else deferred', (t) => {
  if (!requireBuilt(t, 'dist/index.js')) return
  const loaded = loadedAfter(`
const { createLookout } = await import('lookout')
const lookout = createLookout(
  { service: 'lazy', tracing: { enabled: false }, logging: { level: 'silent' }, store: { url: 'sqlite::memory:' } },
  { env: {} },
)
await lookout.start()
await lookout.store.ping()
await lookout.shutdown()
`)
  assert.deepEqual(loaded.sort(), ['kysely', 'node:sqlite'])
})

test('tracing on loads the tracing SDK, and no OTLP exporter while no endpoint is configured', (t) => {
  if (!requireBuilt(t, 'dist/index.js')) return
  const loaded = loadedAfter(`
const { createLookout } = await import('lookout')
const lookout = createLookout(
  { service: 'lazy', tracing: { enabled: true }, logging: { level: 'silent' }, store: { enabled: false }, alerting: { enabled: false }, status: { enabled: false } },
  { env: {} },
)
await lookout.tracing.withSpan('work', async () => {})
await lookout.shutdown()
`)
  assert.ok(loaded.includes('@opentelemetry/sdk-trace-base'), `loaded: ${loaded.join(', ')}`)
  assert.ok(!loaded.some((p) => p.includes('exporter')), `loaded: ${loaded.join(', ')}`)
})
