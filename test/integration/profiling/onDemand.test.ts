import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { currentProfilerHold } from '../../../src/profiling/profilerLock.ts'
import {
  AUTH,
  decodePprof,
  profilingApp,
  sampleTypes,
  spinLookoutZebraWhile,
  TENANT_KEY,
  valueInFunction,
} from './profilingApp.ts'

const retained: unknown[] = []

/** Allocates ~16 MB that stays reachable (the heap profile test looks for this function). */
function retainHeapOkapi(): void {
  // Plain arrays live on the V8 heap (typed-array backing stores do not, and the heap profiler would not see them).
  for (let i = 0; i < 4000; i++) retained.push(new Array(512).fill(i + 0.5))
}

describe('GET /observability/profile/cpu', () => {
  test('returns a gzipped pprof whose samples include the busy function, as a download', async (t) => {
    const p = await profilingApp()
    t.after(() => p.close())
    const stop = spinLookoutZebraWhile()
    t.after(stop)
    const res = await p.app.inject({ url: '/observability/profile/cpu?seconds=1', headers: AUTH })
    stop()
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-type'], 'application/octet-stream')
    assert.match(
      String(res.headers['content-disposition']),
      /^attachment; filename="profiled-cpu-\d{8}T\d{6}Z\.pb\.gz"$/,
    )
    const profile = decodePprof(res.rawPayload)
    assert.deepEqual(sampleTypes(profile), ['samples/count', 'cpu/nanoseconds'])
    // The spinner's share of the samples depends on how much CPU the machine gives this process, so the test asks
    // only that it shows with CPU time, beside the rest of the thread's work.
    const zebraNs = valueInFunction(profile, 'lookoutBusyZebra', 1)
    assert.ok(zebraNs > 0, 'lookoutBusyZebra shows with CPU time')
    assert.equal(valueInFunction(profile, '(idle)'), 0, 'idle samples are not CPU time')
    assert.ok(Number(profile.durationNanos) >= 900_000_000)
    assert.equal(await p.metric('lookout_profiles_total{kind="cpu",outcome="ok"}'), 1)
    const line = p.logs.map((l) => JSON.parse(l)).find((l) => l.event === 'profile_taken')
    assert.equal(line.kind, 'cpu')
    assert.equal(line.seconds, 1)
    assert.equal(line.operatorKey, 0)
    assert.ok(!p.logs.join('\n').includes('ops-key-0123'), 'the key is never logged')
  })

  test('format=cpuprofile returns the V8 JSON Chrome DevTools opens', async (t) => {
    const p = await profilingApp()
    t.after(() => p.close())
    const stop = spinLookoutZebraWhile()
    t.after(stop)
    const res = await p.app.inject({
      url: '/observability/profile/cpu?seconds=1&format=cpuprofile',
      headers: AUTH,
    })
    stop()
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-type'], 'application/json')
    assert.match(
      String(res.headers['content-disposition']),
      /filename="profiled-cpu-\d{8}T\d{6}Z\.cpuprofile"/,
    )
    const profile = res.json() as {
      nodes: { callFrame: { functionName: string }; hitCount: number }[]
      samples: number[]
    }
    const zebra = profile.nodes.filter((n) => n.callFrame.functionName === 'lookoutBusyZebra')
    assert.ok(zebra.reduce((a, n) => a + n.hitCount, 0) > 0, 'lookoutBusyZebra was sampled')
    assert.ok(profile.samples.length > 0)
  })

  const refusals: [string, string, Record<string, string>, number, string][] = [
    ['no key', '/observability/profile/cpu?seconds=1', {}, 401, 'unauthorized'],
    [
      'a wrong key',
      '/observability/profile/cpu?seconds=1',
      { authorization: 'Bearer not-the-key-000000000' },
      401,
      'unauthorized',
    ],
    [
      'a tenant-scoped key',
      '/observability/profile/cpu?seconds=1',
      { authorization: `Bearer ${TENANT_KEY}` },
      403,
      'forbidden',
    ],
    ['seconds=0', '/observability/profile/cpu?seconds=0', AUTH, 400, 'invalid_query'],
    ['seconds above the maximum', '/observability/profile/cpu?seconds=61', AUTH, 400, 'invalid_query'],
    ['seconds that is not a number', '/observability/profile/cpu?seconds=abc', AUTH, 400, 'invalid_query'],
    ['fractional seconds', '/observability/profile/cpu?seconds=1.5', AUTH, 400, 'invalid_query'],
    ['negative seconds', '/observability/profile/cpu?seconds=-1', AUTH, 400, 'invalid_query'],
    ['an unknown format', '/observability/profile/cpu?seconds=1&format=svg', AUTH, 400, 'invalid_query'],
  ]
  for (const [name, url, headers, status, code] of refusals) {
    test(`${name} is refused with ${status} before any profiling`, async (t) => {
      const p = await profilingApp()
      t.after(() => p.close())
      const res = await p.app.inject({ url, headers })
      assert.equal(res.statusCode, status)
      assert.equal(res.json().error.code, code)
      assert.equal(currentProfilerHold('cpu'), undefined)
    })
  }

  test('a second profile while one runs gets 409 with Retry-After, and the first completes', async (t) => {
    const p = await profilingApp()
    t.after(() => p.close())
    const first = p.app.inject({ url: '/observability/profile/cpu?seconds=2', headers: AUTH })
    while (currentProfilerHold('cpu') === undefined) await new Promise((r) => setImmediate(r))
    const second = await p.app.inject({ url: '/observability/profile/cpu?seconds=1', headers: AUTH })
    assert.equal(second.statusCode, 409)
    assert.equal(second.json().error.code, 'profiler_busy')
    assert.equal(second.json().error.details.holder, 'on-demand')
    const retry = Number(second.headers['retry-after'])
    assert.ok(retry >= 1 && retry <= 2, `Retry-After ${retry}`)
    assert.equal((await first).statusCode, 200)
    assert.equal(await p.metric('lookout_profiles_total{kind="cpu",outcome="busy"}'), 1)
    assert.equal(await p.metric('lookout_profiles_total{kind="cpu",outcome="ok"}'), 1)
  })

  test('the max is configurable and a smaller default applies without ?seconds', async (t) => {
    const p = await profilingApp({ profiling: { defaultSeconds: 1, maxSeconds: 2 } })
    t.after(() => p.close())
    assert.equal(
      (await p.app.inject({ url: '/observability/profile/cpu?seconds=3', headers: AUTH })).statusCode,
      400,
    )
    const res = await p.app.inject({ url: '/observability/profile/cpu', headers: AUTH })
    assert.equal(res.statusCode, 200)
    const taken = p.logs.map((l) => JSON.parse(l)).find((l) => l.event === 'profile_taken')
    assert.equal(taken.seconds, 1, 'the 1 s default was used')
  })

  test('HEAD does not start a profile', async (t) => {
    const p = await profilingApp()
    t.after(() => p.close())
    const res = await p.app.inject({
      method: 'HEAD',
      url: '/observability/profile/cpu?seconds=60',
      headers: AUTH,
    })
    assert.equal(res.statusCode, 200)
    assert.equal(currentProfilerHold('cpu'), undefined)
  })

  test('lookout.profiling.cpu() is the same profile without HTTP', async (t) => {
    const p = await profilingApp()
    t.after(() => p.close())
    const stop = spinLookoutZebraWhile()
    t.after(stop)
    const result = await p.instance.profiling.cpu({ seconds: 1 })
    stop()
    assert.ok(valueInFunction(decodePprof(result.body), 'lookoutBusyZebra') > 0)
    await assert.rejects(p.instance.profiling.cpu({ seconds: 0 }), { code: 'LOOKOUT_ERR_PROFILE_REQUEST' })
  })
})

describe('GET /observability/profile/heap', () => {
  test('returns the sampled live heap as pprof, including memory a known function retains', async (t) => {
    const p = await profilingApp({ profiling: { heap: { samplingIntervalBytes: 16 * 1024 } } })
    t.after(() => p.close())
    t.after(() => {
      retained.length = 0
    })
    retainHeapOkapi()
    const res = await p.app.inject({ url: '/observability/profile/heap', headers: AUTH })
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-disposition']), /filename="profiled-heap-\d{8}T\d{6}Z\.pb\.gz"/)
    const profile = decodePprof(res.rawPayload)
    assert.deepEqual(sampleTypes(profile), ['inuse_space/bytes'])
    const bytes = valueInFunction(profile, 'retainHeapOkapi')
    assert.ok(bytes > 4_000_000, `retainHeapOkapi keeps ~16 MB; the profile shows ${bytes} bytes`)
    assert.equal(await p.metric('lookout_profiles_total{kind="heap",outcome="ok"}'), 1)
  })

  test('with heap sampling off the heap route is absent and the CPU route remains', async (t) => {
    const p = await profilingApp({ profiling: { heap: { enabled: false } } })
    t.after(() => p.close())
    assert.equal((await p.app.inject({ url: '/observability/profile/heap', headers: AUTH })).statusCode, 404)
    assert.equal(
      (await p.app.inject({ url: '/observability/profile/cpu?seconds=0', headers: AUTH })).statusCode,
      400,
    )
    await assert.rejects(p.instance.profiling.heap(), { code: 'LOOKOUT_ERR_PROFILING_UNAVAILABLE' })
  })
})

test('with profiling disabled no profile route exists', async (t) => {
  const p = await profilingApp({ profiling: { enabled: false } })
  t.after(() => p.close())
  assert.equal(p.instance.profiling.enabled, false)
  for (const url of ['/observability/profile/cpu', '/observability/profile/heap']) {
    assert.equal((await p.app.inject({ url, headers: AUTH })).statusCode, 404, url)
  }
})
