import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { test } from 'node:test'
import { startPyroscopeReceiver } from '../../support/pyroscopeReceiver.ts'
import {
  AUTH,
  decodePprof,
  profilingApp,
  sampleTypes,
  spinLookoutZebraWhile,
  valueInFunction,
} from './profilingApp.ts'

const fast = (url: string, extra: Record<string, unknown> = {}) => ({
  profiling: { pyroscope: { url, intervalSeconds: 1, windowSeconds: 1, ...extra } },
})

test('CPU windows reach Pyroscope /ingest as multipart pprof labelled with service, version and environment', async (t) => {
  const pyroscope = await startPyroscopeReceiver({ requireAuth: 'Bearer pyro-token' })
  t.after(() => pyroscope.close())
  const stop = spinLookoutZebraWhile()
  t.after(stop)
  const p = await profilingApp({
    ...fast(pyroscope.url, { authToken: 'pyro-token', tenantId: 'team-a', tags: { region: 'eu' } }),
  })
  t.after(() => p.close())
  assert.equal(p.instance.profiling.continuous, true)
  await pyroscope.waitFor(2)
  stop()
  assert.deepEqual(pyroscope.violations, [])
  const [first] = pyroscope.received
  assert.equal(first!.appName, 'profiled')
  assert.deepEqual(first!.labels, { environment: 'test', instance: 'node-a', region: 'eu', version: '1.2.3' })
  assert.equal(first!.spyName, 'nodespy')
  assert.equal(first!.sampleRate, 100)
  assert.equal(first!.encoding, 'multipart')
  assert.equal(first!.headers['x-scope-orgid'], 'team-a')
  // A 1 s window: at least the window (a starved timer may end it late, so no upper bound on a busy machine; the
  // default 60 s interval could not have pushed two windows before waitFor gave up). `from` is floored and
  // `until` ceiled to whole seconds, so they may span one second more than the window (951.9 → 953.05: 951–954).
  const seconds = Number(first!.profile.durationNanos) / 1e9
  assert.ok(seconds >= 0.9, `a 1 s window, not ${seconds} s`)
  assert.ok(
    first!.until - first!.from <= Math.ceil(seconds) + 1,
    `from ${first!.from} until ${first!.until} covers the ${seconds} s window`,
  )
  assert.deepEqual(sampleTypes(first!.profile), ['samples/count', 'cpu/nanoseconds'])
  assert.equal(Number(first!.profile.period), 10_000_000, '100 Hz')
  const zebra = pyroscope.received.reduce((a, u) => a + valueInFunction(u.profile, 'lookoutBusyZebra'), 0)
  assert.ok(zebra > 0, 'the busy function shows in the pushed windows')
  assert.ok(((await p.metric('lookout_profile_pushes_total{outcome="ok"}')) ?? 0) >= 1)
  const started = p.logs.map((l) => JSON.parse(l)).find((l) => l.event === 'continuous_profiling_started')
  assert.equal(started.endpoint, pyroscope.url)
  assert.ok(!p.logs.join('\n').includes('pyro-token'), 'the token is never logged')
})

test('an on-demand CPU profile during continuous profiling starts at once and both keep their samples', async (t) => {
  const pyroscope = await startPyroscopeReceiver()
  t.after(() => pyroscope.close())
  const stop = spinLookoutZebraWhile()
  t.after(stop)
  const p = await profilingApp(fast(pyroscope.url))
  t.after(() => p.close())
  await pyroscope.waitFor(1)
  const res = await p.app.inject({ url: '/observability/profile/cpu?seconds=2', headers: AUTH })
  assert.equal(res.statusCode, 200, 'continuous profiling never makes an operator wait (no 409)')
  const onDemand = decodePprof(res.rawPayload)
  assert.equal(Number(onDemand.period), 10_000_000, 'it samples at the running 100 Hz')
  assert.ok(valueInFunction(onDemand, 'lookoutBusyZebra') > 0)
  const before = pyroscope.received.length
  await pyroscope.waitFor(before + 1)
  stop()
  assert.ok(valueInFunction(pyroscope.received.at(-1)!.profile, 'lookoutBusyZebra') > 0, 'windows continued')
  assert.deepEqual(pyroscope.violations, [])
})

/** Sequential GET /hello latencies over a real socket, in ms. */
async function latencies(url: string, n: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const started = performance.now()
    const res = await fetch(`${url}/hello`)
    await res.arrayBuffer()
    assert.equal(res.status, 200)
    out.push(performance.now() - started)
    await new Promise((r) => setTimeout(r, 20))
  }
  return out
}

const receivers: [string, 'hang' | 500 | 'refused', string][] = [
  ['a receiver that never answers', 'hang', 'dropped'],
  ['a receiver that answers 500', 500, 'rejected'],
  ['a receiver that refuses connections', 'refused', 'failed'],
]

for (const [name, behaviour, outcome] of receivers) {
  test(`${name} does not slow requests; its windows are counted as ${outcome}`, async (t) => {
    let url: string
    if (behaviour === 'refused') {
      // A port that was free a moment ago and is closed now.
      const probe = createServer()
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
      const port = (probe.address() as { port: number }).port
      await new Promise<void>((r) => probe.close(() => r()))
      url = `http://127.0.0.1:${port}`
    } else {
      const pyroscope = await startPyroscopeReceiver()
      t.after(() => pyroscope.close())
      pyroscope.reply(() => (behaviour === 'hang' ? 'hang' : { status: behaviour }))
      url = pyroscope.url
    }
    const p = await profilingApp(fast(url, { timeoutMs: 30_000, maxQueued: 1 }), { listen: true })
    t.after(() => p.close())
    const counted = async (n: number) => {
      // Bounded only to catch a hang.
      const deadline = Date.now() + 120_000
      while (((await p.metric(`lookout_profile_pushes_total{outcome="${outcome}"}`)) ?? 0) < n) {
        assert.ok(Date.now() < deadline, `${n} window(s) counted as ${outcome}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    await counted(1)
    const during = await latencies(p.url, 150) // ≈ 3.5 s: several more windows are captured and pushed meanwhile
    // A request that waited on a push would wait out the push's 30 s timeout; the p99 itself is bench material.
    const slowest = Math.max(...during)
    assert.ok(slowest < 30_000, `slowest request ${slowest.toFixed(1)} ms with ${name}`)
    await counted(2)
    assert.equal(await p.metric('lookout_profile_pushes_total{outcome="ok"}'), 0)
    const queued = (await p.metric('lookout_profile_push_queue_size')) ?? 0
    assert.ok(queued <= 1, `the queue stays bounded (${queued})`)
    const warnings = p.logs.map((l) => JSON.parse(l)).filter((l) => l.event === 'profile_push_failed')
    if (outcome !== 'dropped') assert.equal(warnings.length, 1, 'one warning per burst of failures')
  })
}

test('shutdown with a push in flight to a hung receiver returns promptly', async (t) => {
  const pyroscope = await startPyroscopeReceiver()
  t.after(() => pyroscope.close())
  pyroscope.reply(() => 'hang')
  const p = await profilingApp(fast(pyroscope.url, { timeoutMs: 60_000 }))
  await pyroscope.waitFor(1)
  const started = Date.now()
  await p.close()
  // A shutdown that waited for the push would have waited out its 60 s timeout.
  assert.ok(Date.now() - started < 60_000, `shutdown took ${Date.now() - started} ms`)
})
