import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { AuthFailureSummary } from '../../../src/http/authFailureSummary.ts'
import { createOpsDispatcher, type OpsDispatcherOptions } from '../../../src/http/opsDispatcher.ts'
import type { OpsRequest } from '../../../src/http/opsRoute.ts'

const KEY = 'global-operator-key-0123456789'
const WRONG_KEY = 'wrong-operator-key-0123456789a'

/** A dispatcher with an operator route and a public one, on a hand-driven clock and summary timer. */
function dispatcher(overrides: Partial<OpsDispatcherOptions> = {}) {
  let now = 0
  let fire: (() => void) | undefined
  const throttled: string[] = []
  const summaries: AuthFailureSummary[] = []
  const ops = createOpsDispatcher({
    keys: [{ key: KEY, tenant: undefined }],
    registry: undefined,
    rateLimit: {
      read: { perMinute: 1000, burst: 1000 },
      write: { perMinute: 1000, burst: 1000 },
      invalidKey: { perMinute: 1, burst: 3 },
    },
    onThrottled: (_route, start) => throttled.push(start.address),
    onFailureSummary: (summary) => summaries.push(summary),
    now: () => now,
    schedule(run) {
      fire = run
      return () => {
        fire = undefined
      }
    },
    ...overrides,
  })
  const config = ops.mount({
    method: 'GET',
    path: '/observability/config',
    scope: { kind: 'global' },
    handler: async () => ({ status: 200 }),
  })
  const status = ops.mount({
    method: 'GET',
    path: '/status',
    scope: { kind: 'public' },
    handler: async () => ({ status: 200 }),
  })
  const call = async (route: typeof config, clientIp: string, key?: string) =>
    (
      await route.handle({
        method: 'GET',
        path: route.route.path,
        params: {},
        query: new URLSearchParams(),
        headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
        body: undefined,
        clientIp,
        signal: undefined,
      } satisfies Omit<OpsRequest, 'operator'>)
    ).status
  /** Ends the summary's window after a minute on the clock. */
  const endWindow = () => {
    now += 60_000
    const run = fire
    fire = undefined
    run?.()
  }
  return { ops, config, status, call, endWindow, throttled, summaries }
}

describe('the ops dispatcher’s summary of operator-key failures', () => {
  test('failures spread over addresses that are never throttled are summarised once, by route, with the addresses counted', async () => {
    const { config, status, call, endWindow, throttled, summaries } = dispatcher()
    for (let i = 1; i <= 8; i++) {
      const from = `203.0.113.${i}`
      assert.equal(await call(config, from), 401)
      assert.equal(await call(config, from, WRONG_KEY), 401)
    }
    // A wrong key sent to a public route is a failure too; the same /64 is one address.
    assert.equal(await call(status, '2001:db8:1:2::a', WRONG_KEY), 200)
    assert.equal(await call(status, '2001:db8:1:2::b', WRONG_KEY), 200)
    // A valid key is no failure.
    assert.equal(await call(config, '198.51.100.1', KEY), 200)
    assert.deepEqual(throttled, [], 'each address stayed under its allowance')
    assert.deepEqual(summaries, [], 'nothing before the window ends')
    endWindow()
    assert.deepEqual(summaries, [
      {
        failures: 18,
        throttled: 0,
        addresses: 9,
        addressesCapped: false,
        routes: { '/observability/config': 16, '/status': 2 },
        windowSeconds: 60,
      },
    ])
    endWindow()
    assert.equal(summaries.length, 1, 'one line per window, none for an empty one')
  })

  test('a window needs as many failures as one address may make before it is throttled', async () => {
    const { config, call, endWindow, summaries } = dispatcher()
    await call(config, '203.0.113.1', WRONG_KEY)
    await call(config, '203.0.113.2', WRONG_KEY)
    endWindow()
    assert.deepEqual(summaries, [])
  })

  test('requests refused because their address is throttled are counted apart from the failures', async () => {
    const { config, status, call, endWindow, throttled, summaries } = dispatcher()
    for (let i = 0; i < 3; i++) assert.equal(await call(config, '203.0.113.7', WRONG_KEY), 401)
    assert.equal(await call(config, '203.0.113.7', KEY), 429)
    assert.equal(await call(status, '203.0.113.7', WRONG_KEY), 200)
    assert.deepEqual(throttled, ['203.0.113.7'])
    endWindow()
    assert.equal(summaries.length, 1)
    assert.equal(summaries[0]?.failures, 3)
    assert.equal(summaries[0]?.throttled, 2)
    assert.equal(summaries[0]?.addresses, 1)
    assert.deepEqual(summaries[0]?.routes, { '/observability/config': 3 })
  })

  test('a listener that throws fails no request and no timer', async () => {
    const { config, call, endWindow } = dispatcher({
      onFailureSummary: () => {
        throw new Error('logger down')
      },
    })
    for (let i = 0; i < 3; i++) assert.equal(await call(config, `203.0.113.${i}`), 401)
    assert.doesNotThrow(endWindow)
  })

  test('stop reports the window in progress when it is due, and nothing is counted after it', async () => {
    const { ops, config, call, endWindow, summaries } = dispatcher()
    for (let i = 0; i < 3; i++) await call(config, `203.0.113.${i}`)
    ops.stop()
    ops.stop()
    assert.equal(summaries.length, 1)
    for (let i = 0; i < 3; i++) await call(config, `203.0.113.${i}`)
    endWindow()
    assert.equal(summaries.length, 1)
  })
})
