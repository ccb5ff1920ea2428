import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import Fastify from 'fastify'
import { bindContext, createLookout } from 'lookout'
import { lookout as lookoutPlugin } from 'lookout/fastify'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import type { LookoutOptions } from '../../../src/config/schema.ts'
import { createLogger } from '../../../src/logging/createLogger.ts'
import { captureStream } from '../../unit/logging/captureStream.ts'

async function app(
  t: import('node:test').TestContext,
  extra: LookoutOptions = {},
  routes?: (fastify: import('fastify').FastifyInstance) => void,
) {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-log-'))
  const options: LookoutOptions = {
    service: 'identity',
    environment: 'test',
    http: { trustProxy: ['127.0.0.1'] },
    store: { url: `sqlite:${join(dir, 'ops.db')}` },
    health: { shutdown: { drainDelayMs: 0, inFlightTimeoutMs: 100 } },
    ...extra,
  } as LookoutOptions
  const out = captureStream()
  const lookout = createLookout(options, { env: {}, logger: createLogger(resolveConfig(options, {}), out) })
  const fastify = Fastify({ loggerInstance: lookout.logger, disableRequestLogging: true })
  await fastify.register(lookoutPlugin, { lookout })
  const login = lookout.instrument(
    { preset: 'auth', operation: 'login' },
    async (email: string) => email.length > 0,
  )
  fastify.get('/users/:id', async (request) => {
    bindContext({ userId: 'u-7', tenantId: 'acme' })
    request.log.info({ note: 'reached jane@example.com' }, 'in handler')
    await login('jane@example.com')
    return { ok: true }
  })
  fastify.get('/boom', async () => {
    throw new Error('database password=hunter2 rejected')
  })
  routes?.(fastify as unknown as import('fastify').FastifyInstance)
  await fastify.ready()
  t.after(async () => {
    await fastify.close()
    await lookout.shutdown()
    rmSync(dir, { recursive: true, force: true })
  })
  return { fastify, lookout, out }
}

const requestLines = (out: ReturnType<typeof captureStream>) => out.lines.filter((l) => l.event === 'request')

test('one request line per request with route, redacted path, status, duration, sizes, client ip and context', async (t) => {
  const { fastify, out } = await app(t)
  const res = await fastify.inject({
    url: '/users/42?token=abc123&page=2',
    headers: { 'user-agent': 'curl/8.5.0', 'x-request-id': 'req-42', 'x-forwarded-for': '203.0.113.9' },
  })
  assert.equal(res.statusCode, 200)
  const lines = requestLines(out)
  assert.equal(lines.length, 1)
  const line = lines[0]!
  assert.equal(line.level, 'info')
  assert.equal(line.method, 'GET')
  assert.equal(line.route, '/users/:id')
  assert.equal(line.path, '/users/42?token=[REDACTED]&page=2')
  assert.equal(line.status, 200)
  assert.equal(typeof line.duration_ms, 'number')
  assert.ok((line.response_bytes as number) > 0)
  assert.equal(line.client_ip, '203.0.113.9')
  assert.equal(line.user_agent, 'curl/8.5.0')
  assert.equal(line.request_id, 'req-42')
  assert.equal(line.user_id, 'u-7')
  assert.equal(line.tenant_id, 'acme')
})

test('app lines through Fastify’s request.log carry the context and are redacted', async (t) => {
  const { fastify, out } = await app(t)
  await fastify.inject({ url: '/users/1', headers: { 'x-request-id': 'req-1' } })
  const line = out.lines.find((l) => l.msg === 'in handler')!
  assert.equal(line.request_id, 'req-1')
  assert.equal(line.user_id, 'u-7')
  assert.equal(line.note, 'reached [REDACTED_EMAIL]')
  assert.equal(line.service, 'identity')
})

test('without the context on lines, request.log binds the request id, and is only made for a request that logs', async (t) => {
  const { fastify, lookout, out } = await app(t, { logging: { context: false } }, (f) => {
    f.get('/quiet', async () => ({ ok: true }))
    f.get('/chatty', async (request) => {
      request.log.info({ note: 'for jane@example.com' }, 'chatty handler')
      request.log.child({ step: 'load' }).warn('child line')
      const log = request.log as unknown as ReturnType<typeof createLogger>
      return { level: log.level, debug: log.isLevelEnabled('debug') }
    })
  })
  let made = 0
  const child = lookout.logger.child
  lookout.logger.child = function countedChild(
    this: typeof lookout.logger,
    ...args: Parameters<typeof child>
  ) {
    // Fastify's own per-request child (its loggerInstance here is Lookout's) binds reqId, Lookout's request_id.
    if ('request_id' in (args[0] ?? {})) made++
    return child.apply(this, args)
  } as typeof child
  const quiet = await fastify.inject({ url: '/quiet' })
  assert.equal(quiet.statusCode, 200)
  assert.equal(made, 0, 'a request that does not log makes no request logger')
  const res = await fastify.inject({ url: '/chatty', headers: { 'x-request-id': 'req-c' } })
  assert.deepEqual(res.json(), { level: 'info', debug: false })
  assert.equal(made, 1, 'one request logger for the request that logs')
  const own = out.lines.find((l) => l.msg === 'chatty handler')!
  assert.equal(own.request_id, 'req-c')
  assert.equal(own.note, 'for [REDACTED_EMAIL]')
  const derived = out.lines.find((l) => l.msg === 'child line')!
  assert.equal(derived.request_id, 'req-c')
  assert.equal(derived.step, 'load')
  assert.equal(derived.level, 'warn')
})

test('instrument() writes one redacted event line inside the request context', async (t) => {
  const { fastify, out } = await app(t)
  await fastify.inject({ url: '/users/1', headers: { 'x-request-id': 'req-i' } })
  const events = out.lines.filter((l) => l.event_type === 'auth')
  assert.equal(events.length, 1)
  assert.equal(events[0]!.operation, 'login')
  assert.equal(events[0]!.status, 'success')
  assert.equal(typeof events[0]!.duration_seconds, 'number')
  assert.equal(events[0]!.request_id, 'req-i')
})

test("instrument()'s event line carries the preset's dimension values the call recorded", async (t) => {
  const { lookout, out } = await app(t)
  const login = lookout.instrument(
    {
      preset: 'auth',
      operation: 'login',
      classify: (ok: boolean) => (ok ? 'success' : { status: 'locked', labels: { reason: 'locked' } }),
    },
    async (ok: boolean) => ok,
  )
  const check = lookout.instrument(
    { preset: 'authz', operation: 'check', labels: { resource: 'invoice', action: 'read' } },
    () => 'deny' as const,
  )
  await login(false)
  await login(true)
  check()
  const [locked, ok] = out.lines.filter((l) => l.event_type === 'auth')
  assert.equal(locked!.status, 'locked')
  assert.equal(locked!.reason, 'locked')
  assert.equal(ok!.reason, 'none')
  const authz = out.lines.find((l) => l.event_type === 'authz')!
  assert.deepEqual([authz.resource, authz.action], ['invoice', 'read'])
})

test('levels follow status: 5xx error with the redacted error, 4xx warn', async (t) => {
  const { fastify, out } = await app(t)
  await fastify.inject({ url: '/boom' })
  await fastify.inject({ url: '/nope' })
  const [boom, nope] = requestLines(out)
  assert.equal(boom!.level, 'error')
  assert.equal(boom!.status, 500)
  assert.ok(!JSON.stringify(out.raw).includes('hunter2'))
  assert.equal(nope!.level, 'warn')
  assert.equal(nope!.status, 404)
  assert.equal(nope!.route, '__unmatched__')
})

test('excluded routes (metrics, probes) are not logged by default', async (t) => {
  const { fastify, out } = await app(t)
  await fastify.inject({ url: '/metrics' })
  await fastify.inject({ url: '/health/live' })
  assert.deepEqual(requestLines(out), [])
})

test('start writes a startup event with service, version, commit, process start time, environment, node version and features; shutdown a shutdown event', async (t) => {
  const { lookout, out } = await app(t)
  await lookout.start()
  await lookout.shutdown()
  const startup = out.lines.find((l) => l.event === 'startup')!
  assert.equal(startup.service, 'identity')
  assert.equal(startup.environment, 'test')
  assert.equal(startup.node_version, process.version)
  assert.equal(startup.commit, 'unknown')
  assert.equal(startup.start_time, new Date(Math.round(performance.timeOrigin)).toISOString())
  assert.ok(Array.isArray(startup.features) && (startup.features as string[]).includes('request_log'))
  assert.ok(out.lines.some((l) => l.event === 'shutdown'))
  // No key twice in the raw line (the base fields already carry service/version/environment).
  const raw = out.raw.find((l) => l.includes('"event":"startup"'))!
  for (const key of ['service', 'version', 'environment'])
    assert.equal(raw.split(`"${key}":`).length - 1, 1, `${key} appears once in ${raw}`)
})

test('the startup line names every exporter with its endpoint, the sampler, version and start time', async (t) => {
  const { lookout, out } = await app(t, {
    version: '2.3.4',
    tracing: { endpoint: 'http://127.0.0.1:9', sampleRate: 0.1 },
    logging: { otlp: { exporter: 'otlp', protocol: 'http/json', shutdownTimeoutMs: 100 } },
  })
  await lookout.start()
  await lookout.shutdown()
  const startup = out.lines.find((l) => l.event === 'startup')!
  assert.equal(startup.version, '2.3.4')
  assert.equal(startup.start_time, new Date(Math.round(performance.timeOrigin)).toISOString())
  assert.deepEqual(startup.telemetry, {
    traces: {
      exporters: [{ exporter: 'otlp', protocol: 'http/protobuf', endpoint: 'http://127.0.0.1:9/v1/traces' }],
      sampler: 'parentbased_traceidratio 0.1',
    },
    metrics: [{ exporter: 'prometheus', endpoint: '/metrics' }],
    logs: [
      { exporter: 'custom' },
      { exporter: 'otlp', protocol: 'http/json', endpoint: 'http://127.0.0.1:9/v1/logs' },
    ],
  })
  assert.ok((startup.features as string[]).includes('otlp_logs'))
  assert.match(
    String(startup.msg),
    /traces → otlp http\/protobuf http:\/\/127\.0\.0\.1:9\/v1\/traces \(sampler parentbased_traceidratio 0\.1\); metrics → prometheus \/metrics; logs → custom, otlp http\/json http:\/\/127\.0\.0\.1:9\/v1\/logs$/,
  )
})

test('getLogger(name) returns a cached child with a logger field', async (t) => {
  const { lookout, out } = await app(t)
  assert.equal(lookout.getLogger('db'), lookout.getLogger('db'))
  lookout.getLogger('db').info('query')
  assert.equal(out.lines.at(-1)!.logger, 'db')
})

test('getLogger caches at most 1000 names: names built from data get a fresh child each time', async (t) => {
  const { lookout, out } = await app(t)
  const MAX_CACHED_LOGGERS = 1000
  for (let i = 0; i < MAX_CACHED_LOGGERS + 10; i++) lookout.getLogger(`job-${i}`)
  assert.equal(lookout.getLogger('job-0'), lookout.getLogger('job-0'), 'the first names stay cached')
  const late = `job-${MAX_CACHED_LOGGERS + 5}`
  assert.notEqual(lookout.getLogger(late), lookout.getLogger(late), 'past the limit nothing is kept')
  lookout.getLogger(late).info('still logs')
  assert.equal(out.lines.at(-1)!.logger, late)
})

test('request-log sampling from the environment: errors kept, other lines left out and counted in lookout_log_lines_sampled_out_total', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-log-'))
  const env = { LOOKOUT_REQUEST_LOG_SAMPLE_RATIO: '0', LOOKOUT_REQUEST_LOG_SLOW_MS: '60000' }
  const options: LookoutOptions = { service: 'identity', store: { url: `sqlite:${join(dir, 'ops.db')}` } }
  const out = captureStream()
  const lookout = createLookout(options, { env, logger: createLogger(resolveConfig(options, env), out) })
  assert.equal(lookout.config.logging.requestLog.sampleRatio, 0)
  const fastify = Fastify({ loggerInstance: lookout.logger, disableRequestLogging: true })
  await fastify.register(lookoutPlugin, { lookout })
  fastify.get('/ok', async () => ({ ok: true }))
  fastify.get('/boom', async () => {
    throw new Error('boom')
  })
  await fastify.ready()
  t.after(async () => {
    await fastify.close()
    await lookout.shutdown()
    rmSync(dir, { recursive: true, force: true })
  })
  for (const url of ['/ok', '/ok', '/ok', '/boom', '/missing']) await fastify.inject({ url })
  assert.deepEqual(
    requestLines(out).map((l) => l.status),
    [500, 404],
  )
  const text = await lookout.registry.expose('prometheus')
  assert.match(text, /^lookout_log_lines_sampled_out_total 3$/m)
})

test('without sampling no sampled-out counter is registered', async (t) => {
  const { lookout } = await app(t)
  assert.ok(!(await lookout.registry.expose('prometheus')).includes('lookout_log_lines_sampled_out_total'))
})
