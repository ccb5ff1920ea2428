import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LookoutError } from '../../../src/errors.ts'
import { createCheckRegistry } from '../../../src/health/checkRegistry.ts'
import { createMetricRegistry } from '../../../src/metrics/metricRegistry.ts'

const never = () => new Promise<never>(() => {})

test('checks run in parallel, each bounded by its own timeout', async () => {
  const checks = createCheckRegistry({ intervalMs: 60_000 })
  const events: string[] = []
  const hanging = (name: string) => (signal: AbortSignal) => {
    events.push(`start ${name}`)
    signal.addEventListener('abort', () => events.push(`abort ${name}`))
    return never()
  }
  checks.add({ name: 'fast', run: () => undefined })
  checks.add({ name: 'hangs', timeoutMs: 80, run: hanging('hangs') })
  checks.add({ name: 'slow-hangs', timeoutMs: 120, run: hanging('slow-hangs') })
  // Checks that never settle: the round ends only because each is cut at its own timeout.
  await checks.refresh()
  // Both hanging checks started before either was cut: in parallel, not one after the other.
  assert.deepEqual(events, ['start hangs', 'start slow-hangs', 'abort hangs', 'abort slow-hangs'])
  const byName = Object.fromEntries(checks.results().map((r) => [r.name, r]))
  assert.equal(byName.fast?.status, 'pass')
  assert.equal(byName.hangs?.status, 'fail')
  assert.equal(byName.hangs?.output, 'timed out after 80 ms')
  assert.equal(byName['slow-hangs']?.status, 'fail')
})

test('a check that hangs past its timeout is aborted through its signal', async () => {
  const checks = createCheckRegistry({ intervalMs: 60_000 })
  let aborted: unknown
  checks.add({
    name: 'aborts',
    timeoutMs: 50,
    run: (signal) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted = signal.reason
          reject(signal.reason)
        })
      }),
  })
  await checks.refresh()
  assert.ok(aborted instanceof Error)
  assert.equal((aborted as Error).name, 'TimeoutError')
})

test('results are normalised: false fails, thrown errors fail with their message, objects carry values', async () => {
  const checks = createCheckRegistry({ intervalMs: 60_000 })
  checks.add({ name: 'false', run: () => false })
  checks.add({
    name: 'throws',
    run: () => {
      throw new Error('connect ECONNREFUSED postgres://app:pw@db:5432/app')
    },
  })
  checks.add({
    name: 'degraded',
    critical: false,
    run: () => ({ status: 'warn', observedValue: 91, observedUnit: '%' }),
  })
  await checks.refresh()
  const [f, t, d] = checks.results()
  assert.equal(f?.status, 'fail')
  assert.equal(t?.status, 'fail')
  assert.equal(
    t?.output,
    'connect ECONNREFUSED postgres://***@db:5432/app',
    'credentials are stripped from outputs',
  )
  assert.deepEqual([d?.status, d?.observedValue, d?.observedUnit, d?.critical], ['warn', 91, '%', false])
})

test('a check without a result yet reads as a failing "pending" check', () => {
  const checks = createCheckRegistry({ intervalMs: 60_000 })
  checks.add({ name: 'db', run: () => undefined })
  const [r] = checks.results()
  assert.equal(r?.status, 'fail')
  assert.equal(r?.output, 'no result yet')
})

test('ensureFresh never waits longer than its budget, even when a check hangs', async () => {
  const checks = createCheckRegistry({ intervalMs: 60_000 })
  checks.add({ name: 'hangs', timeoutMs: 5000, run: never })
  const started = performance.now()
  await checks.ensureFresh(60)
  const took = performance.now() - started
  // Had it waited for the check, it would have waited out the check's timeout.
  assert.ok(took < 5000, `waited ${took} ms with a 60 ms budget`)
})

test('cached results are served without running the checks again within the interval', async () => {
  const checks = createCheckRegistry({ intervalMs: 60_000 })
  let runs = 0
  checks.add({ name: 'counted', run: () => void runs++ })
  await checks.ensureFresh(100)
  await checks.ensureFresh(100)
  await checks.ensureFresh(100)
  assert.equal(runs, 1)
})

test('the background refresh updates results every interval', async () => {
  const checks = createCheckRegistry({ intervalMs: 30 })
  let healthy = true
  checks.add({ name: 'flips', run: () => healthy })
  checks.start()
  try {
    await waitUntil(() => checks.results()[0]?.status === 'pass')
    healthy = false
    await waitUntil(() => checks.results()[0]?.status === 'fail')
    healthy = true
    await waitUntil(() => checks.results()[0]?.status === 'pass')
  } finally {
    await checks.stop()
  }
})

test('runs abandoned after a timeout are bounded: a black-holed check does not pile up calls', async () => {
  const checks = createCheckRegistry({ intervalMs: 60_000 })
  let calls = 0
  checks.add({
    name: 'blackhole',
    timeoutMs: 10,
    run: () => {
      calls++
      return never()
    },
  })
  for (let i = 0; i < 10; i++) await checks.refresh()
  assert.equal(calls, 3)
  assert.match(checks.results()[0]?.output ?? '', /earlier runs are still hanging/)
})

test('status and duration are exported per check (1 pass, 0.5 warn, 0 fail)', async () => {
  const registry = createMetricRegistry()
  const checks = createCheckRegistry({ intervalMs: 60_000, registry })
  checks.add({ name: 'ok', run: () => undefined })
  checks.add({ name: 'meh', run: () => ({ status: 'warn' }) })
  checks.add({ name: 'bad', run: () => false })
  await checks.refresh()
  const text = await registry.expose()
  assert.match(text, /lookout_health_check_status\{check="ok"\} 1\n/)
  assert.match(text, /lookout_health_check_status\{check="meh"\} 0.5\n/)
  assert.match(text, /lookout_health_check_status\{check="bad"\} 0\n/)
  assert.match(text, /lookout_health_check_duration_seconds\{check="ok"\} [0-9.e-]+\n/)
})

const misuse: [string, Parameters<ReturnType<typeof createCheckRegistry>['add']>[0]][] = [
  ['an upper-case name', { name: 'Postgres', run: () => undefined }],
  ['an empty name', { name: '', run: () => undefined }],
  ['a zero timeout', { name: 'x', timeoutMs: 0, run: () => undefined }],
  ['a missing run function', { name: 'x' } as never],
]
for (const [what, check] of misuse) {
  test(`a check with ${what} is refused at registration with LOOKOUT_ERR_HEALTH_CHECK`, () => {
    const checks = createCheckRegistry({ intervalMs: 60_000 })
    assert.throws(
      () => checks.add(check),
      (e: unknown) => e instanceof LookoutError && e.code === 'LOOKOUT_ERR_HEALTH_CHECK',
    )
  })
}

test('a duplicate check name is refused', () => {
  const checks = createCheckRegistry({ intervalMs: 60_000 })
  checks.add({ name: 'db', run: () => undefined })
  assert.throws(() => checks.add({ name: 'db', run: () => undefined }), /already exists/)
})

async function waitUntil(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached')
    await new Promise((r) => setTimeout(r, 10))
  }
}
