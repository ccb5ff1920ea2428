import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { test } from 'node:test'
import Fastify from 'fastify'
import pino from 'pino'
import { createLookout } from '../../../src/core/createLookout.ts'
import { lookout as lookoutPlugin } from '../../../src/fastify/index.ts'
import { createShutdownOrchestrator } from '../../../src/health/shutdownOrchestrator.ts'

type Line = Record<string, unknown>

function captureLogger() {
  const lines: Line[] = []
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) })
  return { logger, lines }
}

async function listening(
  shutdown: Record<string, unknown>,
  setup?: (app: ReturnType<typeof Fastify>) => void,
) {
  const { logger, lines } = captureLogger()
  const codes: number[] = []
  const instance = createLookout(
    {
      service: 'shutdown-test',
      health: { shutdown: { terminate: (c: number) => void codes.push(c), ...shutdown } },
    },
    { logger, env: {} },
  )
  const app = Fastify()
  await app.register(lookoutPlugin, { lookout: instance })
  setup?.(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  return { app, instance, lines, codes, base }
}

test('shutdown fails readiness first, drains, flushes areas, runs hooks, then terminates with 0 — every step logged', async (t) => {
  const { instance, lines, codes, base, app } = await listening({ drainDelayMs: 1000 })
  t.after(() => app.close())
  const events: string[] = []
  instance.addArea({ name: 'outbox', stop: () => void events.push('area stopped') })
  instance.onShutdown(function userHook() {
    events.push('hook ran')
  })
  assert.equal((await fetch(`${base}/health/ready`)).status, 200)
  const done = instance.shutdown()
  assert.equal(instance.phase, 'stopping')
  // During the drain delay the server still answers, and readiness says 503.
  const during = await fetch(`${base}/health/ready`)
  assert.equal(during.status, 503)
  assert.deepEqual(((await during.json()) as { notes: string[] }).notes, ['shutting down'])
  assert.equal((await fetch(`${base}/health/live`)).status, 200)
  await done
  assert.equal(instance.phase, 'stopped')
  assert.deepEqual(events, ['area stopped', 'hook ran'])
  assert.deepEqual(codes, [0])
  await assert.rejects(fetch(`${base}/health/live`), 'the listener is closed after shutdown')
  const steps = lines.filter((l) => l.event === 'shutdown_step').map((l) => l.step)
  assert.deepEqual(steps.slice(0, 5), [
    'readiness_failing',
    'drain_delay',
    'stop_accepting',
    'in_flight',
    'close_connections',
  ])
  assert.ok(steps.includes('flush') && steps.indexOf('flush') < steps.indexOf('hook'))
  for (const l of lines.filter((l) => l.event === 'shutdown_step'))
    assert.equal(typeof l.durationMs, 'number')
  const drain = lines.find((l) => l.step === 'drain_delay')
  assert.ok((drain?.durationMs as number) >= 990, 'the drain delay was waited')
  assert.ok(lines.some((l) => l.event === 'shutdown_complete' && l.code === 0))
})

test('shutdown is idempotent: one sequence, one terminate', async (t) => {
  const { instance, codes, app } = await listening({ drainDelayMs: 0 })
  t.after(() => app.close())
  const a = instance.shutdown()
  const b = instance.shutdown()
  assert.equal(a, b)
  await Promise.all([a, b, instance.shutdown()])
  assert.deepEqual(codes, [0])
})

test('in-flight requests finish with 200 before the listener closes', async (t) => {
  const { instance, codes, base, app } = await listening({ drainDelayMs: 0 }, (a) =>
    a.get('/slow', async () => {
      await new Promise((r) => setTimeout(r, 300))
      return { ok: true }
    }),
  )
  t.after(() => app.close())
  const requests = Array.from({ length: 5 }, () => fetch(`${base}/slow`).then((r) => r.status))
  await waitUntil(() => instance.core.inFlight === 5)
  await instance.shutdown()
  assert.deepEqual(await Promise.all(requests), [200, 200, 200, 200, 200])
  assert.deepEqual(codes, [0])
})

test('a request that outlives the in-flight bound is cut, and the exit code says so', async (t) => {
  const { instance, lines, codes, base, app } = await listening(
    { drainDelayMs: 0, inFlightTimeoutMs: 100 },
    (a) => a.get('/hang', () => new Promise(() => {})),
  )
  t.after(() => app.close())
  const hung = fetch(`${base}/hang`).then(
    (r) => r.status,
    () => 'connection closed',
  )
  await waitUntil(() => instance.core.inFlight === 1)
  const started = performance.now()
  await instance.shutdown()
  assert.ok(performance.now() - started < 3000)
  assert.equal(await hung, 'connection closed')
  assert.deepEqual(codes, [1])
  assert.ok(
    lines.some((l) => l.step === 'in_flight' && l.drained === false && l.left === 1),
    JSON.stringify(lines.filter((l) => l.event === 'shutdown_step')),
  )
})

test('the whole shutdown is bounded by the grace period even when an area hangs', async (t) => {
  const { instance, lines, codes, app } = await listening({ drainDelayMs: 0, graceMs: 300 })
  t.after(() => app.close())
  instance.addArea({ name: 'stuck', stop: () => new Promise(() => {}) })
  const started = performance.now()
  await instance.shutdown()
  const took = performance.now() - started
  assert.ok(took >= 250 && took < 2000, `took ${took} ms with a 300 ms grace period`)
  assert.deepEqual(codes, [1])
  assert.ok(lines.some((l) => l.event === 'shutdown_grace_exceeded'))
})

test('a failing area or hook is logged and does not stop the sequence', async (t) => {
  const { instance, lines, codes, app } = await listening({ drainDelayMs: 0 })
  t.after(() => app.close())
  const ran: string[] = []
  instance.addArea({ name: 'broken', stop: () => Promise.reject(new Error('flush failed')) })
  instance.onShutdown(() => {
    throw new Error('hook failed')
  })
  instance.onShutdown(() => void ran.push('second hook'))
  await instance.shutdown()
  assert.deepEqual(ran, ['second hook'])
  assert.deepEqual(codes, [1])
  assert.ok(lines.some((l) => l.event === 'area_stop_failed' && l.area === 'broken'))
  assert.ok(lines.some((l) => l.event === 'shutdown_hook_failed'))
})

test('app.close() runs the shutdown once, without the drain delay (the listener is already closed)', async () => {
  const { instance, codes, app, lines } = await listening({ drainDelayMs: 10_000 })
  const started = performance.now()
  await app.close()
  assert.ok(performance.now() - started < 3000, 'no drain delay after the listener closed')
  assert.equal(instance.phase, 'stopped')
  assert.deepEqual(codes, [0])
  assert.ok(lines.some((l) => l.step === 'drain_delay' && l.skipped === true))
})

test('a signal starts the shutdown, and the handlers are removed so a second signal gets the default', async () => {
  const { logger, lines } = captureLogger()
  const target = new EventEmitter()
  const codes: number[] = []
  const orchestrator = createShutdownOrchestrator({
    settings: {
      drainDelayMs: 0,
      inFlightTimeoutMs: 100,
      graceMs: 1000,
      signals: ['SIGTERM', 'SIGINT'],
      terminate: (c) => void codes.push(c),
    },
    logger,
    core: { inFlight: 0, idle: () => Promise.resolve() },
    servers: [],
    areas: [],
    signalTarget: target as unknown as NodeJS.Process,
  })
  orchestrator.handleSignals()
  orchestrator.handleSignals()
  assert.equal(target.listenerCount('SIGTERM'), 1)
  assert.equal(target.listenerCount('SIGINT'), 1)
  target.emit('SIGTERM')
  assert.equal(orchestrator.phase, 'stopping')
  assert.equal(target.listenerCount('SIGTERM'), 0)
  assert.equal(target.listenerCount('SIGINT'), 0)
  await orchestrator.shutdown()
  assert.deepEqual(codes, [0])
  assert.ok(lines.some((l) => l.event === 'shutdown_signal' && l.signal === 'SIGTERM'))
  assert.ok(lines.some((l) => l.event === 'shutdown_started' && l.reason === 'SIGTERM'))
})

test('createLookout installs no signal handlers unless asked; the Fastify plugin does by default', async () => {
  const before = process.listenerCount('SIGTERM')
  const plain = createLookout({ logging: { level: 'silent' } } as never, { env: {} })
  await plain.start()
  assert.equal(process.listenerCount('SIGTERM'), before)
  await plain.shutdown()

  const app = Fastify()
  await app.register(lookoutPlugin, {
    logging: { level: 'silent' },
    health: { shutdown: { drainDelayMs: 0 } },
  } as never)
  await app.ready()
  assert.equal(process.listenerCount('SIGTERM'), before + 1)
  await app.close()
  assert.equal(process.listenerCount('SIGTERM'), before, 'handlers are removed at shutdown')
})

async function waitUntil(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached')
    await new Promise((r) => setTimeout(r, 5))
  }
}

test('SIGINT (Ctrl-C) skips the drain delay; SIGTERM waits it', async (t) => {
  const { createServer } = await import('node:http')
  for (const [signal, drains] of [
    ['SIGINT', false],
    ['SIGTERM', true],
  ] as const) {
    const server = createServer((_req, res) => res.end())
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    t.after(() => server.close())
    const { logger, lines } = captureLogger()
    const target = new EventEmitter()
    const orchestrator = createShutdownOrchestrator({
      settings: { drainDelayMs: 300, inFlightTimeoutMs: 100, graceMs: 5000, signals: ['SIGTERM', 'SIGINT'] },
      logger,
      core: { inFlight: 0, idle: () => Promise.resolve() },
      servers: [server],
      areas: [],
      signalTarget: target as unknown as NodeJS.Process,
    })
    orchestrator.handleSignals()
    target.emit(signal)
    await orchestrator.shutdown()
    const drain = lines.find((l) => l.step === 'drain_delay')
    assert.equal(drain?.skipped === true, !drains, signal)
    assert.equal(server.listening, false, `${signal}: the listener is closed`)
  }
})
