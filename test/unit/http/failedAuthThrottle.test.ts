import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createFailedAuthThrottle } from '../../../src/http/failedAuthThrottle.ts'

describe('throttling episodes of the failed-key throttle', () => {
  test('the failure that spends the last token starts an episode, reported once with the failures that led to it', () => {
    let now = 0
    const throttle = createFailedAuthThrottle({ perMinute: 60, burst: 3, now: () => now })
    assert.equal(throttle.failed('203.0.113.7'), undefined)
    // 0.6 of a token earned back after each of the next two: 1.6, then 1.2 left, then the fourth leaves 0.2.
    now += 600
    assert.equal(throttle.failed('203.0.113.7'), undefined)
    now += 600
    assert.equal(throttle.failed('203.0.113.7'), undefined)
    assert.deepEqual(throttle.failed('203.0.113.7'), { address: '203.0.113.7', failures: 4 })
    assert.equal(throttle.failed('203.0.113.7'), undefined, 'reported once')
    assert.ok(throttle.retryAfter('203.0.113.7') > 0)
  })

  test('an address failing at the refill rate stays in one episode and is not reported again', () => {
    let now = 0
    const throttle = createFailedAuthThrottle({ perMinute: 60, burst: 2, now: () => now })
    throttle.failed('2001:db8::1')
    assert.deepEqual(throttle.failed('2001:db8::2'), { address: '2001:db8:0:0::/64', failures: 2 })
    for (let i = 0; i < 20; i++) {
      now += 1000
      assert.equal(throttle.retryAfter('2001:db8::3'), 0, 'a token is earned back every second')
      assert.equal(throttle.failed('2001:db8::3'), undefined)
    }
  })

  test('an address that earns its whole allowance back starts a new episode, counted afresh', () => {
    let now = 0
    const throttle = createFailedAuthThrottle({ perMinute: 60, burst: 2, now: () => now })
    throttle.failed('203.0.113.7')
    assert.deepEqual(throttle.failed('203.0.113.7'), { address: '203.0.113.7', failures: 2 })
    now += 1000
    assert.equal(throttle.failed('203.0.113.7'), undefined, 'one token back is the same episode')
    now += 2000
    assert.equal(throttle.failed('203.0.113.7'), undefined)
    assert.deepEqual(throttle.failed('203.0.113.7'), { address: '203.0.113.7', failures: 2 })
  })

  test('a client without an address is counted and reported as unknown', () => {
    const throttle = createFailedAuthThrottle({ perMinute: 1, burst: 1, now: () => 0 })
    assert.deepEqual(throttle.failed(undefined), { address: 'unknown', failures: 1 })
    assert.ok(throttle.retryAfter(undefined) > 0)
  })

  test('the episode table is bounded like the throttle’s own, and an evicted address starts afresh', () => {
    const throttle = createFailedAuthThrottle({ perMinute: 1, burst: 1, maxClients: 2, now: () => 0 })
    assert.deepEqual(throttle.failed('198.51.100.1'), { address: '198.51.100.1', failures: 1 })
    throttle.failed('198.51.100.2')
    throttle.failed('198.51.100.3')
    assert.equal(throttle.retryAfter('198.51.100.1'), 0, 'evicted from the throttle')
    assert.deepEqual(throttle.failed('198.51.100.1'), { address: '198.51.100.1', failures: 1 })
  })
})
