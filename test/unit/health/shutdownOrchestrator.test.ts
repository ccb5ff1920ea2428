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
  // Long enough for the three requests below to land inside the drain delay on a busy machine.
  const { instance, lines, codes, base, app } = await listening({ drainDelayMs: 5000 })
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
  assert.ok((drain?.durationMs as number) >= 4990, 'the drain delay was waited')
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
  // Had it waited for the hung request, it would have run into the default 25 s grace period.
  assert.ok(performance.now() - started < 25_000)
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
  // The area never settles: returning at all is the bound; it waited the grace period first.
  assert.ok(took >= 250, `took ${took} ms with a 300 ms grace period`)
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
  assert.ok(performance.now() - started < 10_000, 'no drain delay after the listener closed')
  assert.equal(instance.phase, 'stopped')
  assert.deepEqual(codes, [0])
  assert.ok(lines.some((l) => l.step === 'drain_delay' && l.skipped === true))
})

test('a signal starts the shutdown and ends it through exit; the handlers stay until it is over', async () => {
  const { logger, lines } = captureLogger()
  const target = new EventEmitter()
  const exits: number[] = []
  const orchestrator = createShutdownOrchestrator({
    settings: { drainDelayMs: 0, inFlightTimeoutMs: 100, graceMs: 1000, signals: ['SIGTERM', 'SIGINT'] },
    logger,
    core: { inFlight: 0, idle: () => Promise.resolve() },
    servers: [],
    areas: [],
    signalTarget: target as unknown as NodeJS.Process,
    exit: (c) => void exits.push(c),
  })
  orchestrator.handleSignals()
  orchestrator.handleSignals()
  assert.equal(target.listenerCount('SIGTERM'), 1)
  assert.equal(target.listenerCount('SIGINT'), 1)
  target.emit('SIGTERM')
  assert.equal(orchestrator.phase, 'stopping')
  assert.equal(target.listenerCount('SIGTERM'), 1, 'a second signal is still handled while shutting down')
  await orchestrator.shutdown()
  assert.equal(target.listenerCount('SIGTERM'), 0)
  assert.equal(target.listenerCount('SIGINT'), 0)
  assert.deepEqual(exits, [0])
  assert.ok(lines.some((l) => l.event === 'shutdown_signal' && l.signal === 'SIGTERM'))
  assert.ok(lines.some((l) => l.event === 'shutdown_started' && l.reason === 'SIGTERM'))
})

test('which shutdowns end the process: terminate when given, exit after a signal, nothing otherwise', async () => {
  const cases = [
    { terminate: undefined, bySignal: true, exits: [0], terminated: [] },
    { terminate: undefined, bySignal: false, exits: [], terminated: [] },
    { terminate: false, bySignal: true, exits: [], terminated: [] },
    { terminate: 'given', bySignal: true, exits: [], terminated: [0] },
    { terminate: 'given', bySignal: false, exits: [], terminated: [0] },
  ] as const
  for (const c of cases) {
    const target = new EventEmitter()
    const exits: number[] = []
    const terminated: number[] = []
    const orchestrator = createShutdownOrchestrator({
      settings: {
        drainDelayMs: 0,
        inFlightTimeoutMs: 100,
        graceMs: 1000,
        signals: ['SIGTERM'],
        terminate: c.terminate === 'given' ? (code) => void terminated.push(code) : c.terminate,
      },
      logger: captureLogger().logger,
      core: { inFlight: 0, idle: () => Promise.resolve() },
      servers: [],
      areas: [],
      signalTarget: target as unknown as NodeJS.Process,
      exit: (code) => void exits.push(code),
    })
    orchestrator.handleSignals()
    if (c.bySignal) target.emit('SIGTERM')
    await orchestrator.shutdown()
    assert.deepEqual({ exits, terminated }, { exits: c.exits, terminated: c.terminated }, JSON.stringify(c))
  }
})

test('a second signal while shutting down exits at once with 1', async () => {
  const { logger, lines } = captureLogger()
  const target = new EventEmitter()
  const exits: number[] = []
  const orchestrator = createShutdownOrchestrator({
    settings: { drainDelayMs: 0, inFlightTimeoutMs: 100, graceMs: 1000, signals: ['SIGTERM', 'SIGINT'] },
    logger,
    core: { inFlight: 0, idle: () => Promise.resolve() },
    servers: [],
    areas: [],
    signalTarget: target as unknown as NodeJS.Process,
    exit: (c) => void exits.push(c),
  })
  orchestrator.handleSignals()
  target.emit('SIGTERM')
  target.emit('SIGINT')
  assert.deepEqual(exits, [1])
  assert.ok(lines.some((l) => l.event === 'shutdown_forced' && l.signal === 'SIGINT'))
  assert.equal(target.listenerCount('SIGTERM'), 0)
  await orchestrator.shutdown()
})

test('createLookout alone installs no signal handlers; the Fastify plugin does, shared instances too, unless told not to', async () => {
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

  for (const handleSignals of [undefined, false]) {
    const shared = createLookout(
      { logging: { level: 'silent' }, health: { shutdown: { drainDelayMs: 0, handleSignals } } } as never,
      { env: {} },
    )
    const sharedApp = Fastify()
    await sharedApp.register(lookoutPlugin, { lookout: shared })
    await sharedApp.ready()
    const expected = handleSignals === false ? before : before + 1
    assert.equal(
      process.listenerCount('SIGTERM'),
      expected,
      `shared instance, handleSignals ${handleSignals}`,
    )
    await sharedApp.close()
    assert.equal(process.listenerCount('SIGTERM'), before)
  }
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
      exit: () => {},
    })
    orchestrator.handleSignals()
    target.emit(signal)
    await orchestrator.shutdown()
    const drain = lines.find((l) => l.step === 'drain_delay')
    assert.equal(drain?.skipped === true, !drains, signal)
    assert.equal(server.listening, false, `${signal}: the listener is closed`)
  }
})
