import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createIpMatcher } from '../../../src/http/cidr.ts'
import { resolveClientIp } from '../../../src/http/clientIp.ts'
import { normalizeMethod } from '../../../src/http/methods.ts'
import { createRateLimiter } from '../../../src/http/rateLimiter.ts'
import { generateRequestId, resolveRequestId } from '../../../src/http/requestId.ts'
import { createRouteExclusion } from '../../../src/http/routeExclusion.ts'

const GENERATED = /^[0-9a-f]{32}$/

describe('request ids', () => {
  const kept = ['abc-123', 'a'.repeat(128), 'trace:1/2+3=4@x_y.z']
  for (const id of kept)
    test(`a safe incoming id is kept (${id.slice(0, 20)})`, () => assert.equal(resolveRequestId(id), id))
  const replaced: [string, unknown][] = [
    ['too long', 'a'.repeat(129)],
    ['html', '<script>alert(1)</script>'],
    ['spaces', 'a b'],
    ['newline (header injection)', 'a\r\nSet-Cookie: x=1'],
    ['empty', ''],
    ['several values', ['a', 'b']],
    ['missing', undefined],
  ]
  for (const [name, value] of replaced) {
    test(`an unsafe incoming id (${name}) is replaced by a generated id`, () =>
      assert.match(resolveRequestId(value as string), GENERATED))
  }
  test('generated ids are 32 random hex characters, distinct across several batches', () => {
    const ids = new Set<string>()
    for (let i = 0; i < 2_000; i++) {
      const id = generateRequestId()
      assert.match(id, GENERATED)
      ids.add(id)
    }
    assert.equal(ids.size, 2_000)
    // Every hex digit position varies (the random part is really random, not a counter).
    const positions = [0, 9, 15, 20, 31]
    for (const p of positions) assert.ok(new Set([...ids].map((id) => id[p])).size > 3, `position ${p}`)
  })
})

describe('methods', () => {
  const cases: [string | undefined, string][] = [
    ['GET', 'GET'],
    ['get', 'GET'],
    ['PATCH', 'PATCH'],
    ['PROPFIND', '_OTHER'],
    ['FOO', '_OTHER'],
    [undefined, '_OTHER'],
  ]
  for (const [input, expected] of cases)
    test(`method ${input} is labelled ${expected}`, () => assert.equal(normalizeMethod(input), expected))
})

describe('IP matching and client IPs', () => {
  test('IPv4 and IPv6 CIDRs match, IPv4-mapped addresses match their IPv4 form', () => {
    const m = createIpMatcher(['10.0.0.0/8', '::1', '2001:db8::/32'])
    assert.ok(m.matches('10.20.30.40'))
    assert.ok(m.matches('::ffff:10.1.1.1'))
    assert.ok(m.matches('::1'))
    assert.ok(m.matches('2001:db8::5'))
    assert.ok(!m.matches('11.0.0.1'))
    assert.ok(!m.matches('not-an-ip'))
    assert.ok(!m.matches(undefined))
  })
  test('invalid entries are reported', () => {
    assert.deepEqual(createIpMatcher(['10.0.0.0/33', 'nope', '1.2.3.4']).invalid, ['10.0.0.0/33', 'nope'])
  })
  test('X-Forwarded-For is believed only from a trusted proxy, right to left', () => {
    const trusted = createIpMatcher(['10.0.0.0/8'])
    const isTrusted = (ip: string) => trusted.matches(ip)
    assert.equal(
      resolveClientIp('10.0.0.5', { 'x-forwarded-for': '1.1.1.1, 203.0.113.9, 10.0.0.7' }, isTrusted),
      '203.0.113.9',
    )
    assert.equal(resolveClientIp('198.51.100.1', { 'x-forwarded-for': '1.1.1.1' }, isTrusted), '198.51.100.1')
    assert.equal(resolveClientIp('10.0.0.5', {}, isTrusted), '10.0.0.5')
  })
})

describe('route exclusion', () => {
  test('exact templates and trailing-star prefixes are excluded', () => {
    const excluded = createRouteExclusion(['/metrics', '/health*'])
    assert.ok(excluded('/metrics'))
    assert.ok(excluded('/health/ready'))
    assert.ok(!excluded('/metrics/x'))
    assert.ok(!excluded('/users/:id'))
  })

  test('a path is decided the same however often and however long it is', () => {
    const excluded = createRouteExclusion(['/metrics', '/health*'])
    const long = `/health/${'x'.repeat(300)}`
    for (let i = 0; i < 3; i++) {
      assert.equal(excluded(long), true)
      assert.equal(excluded(['/met', 'rics'].join('')), true)
      assert.equal(excluded(`/users/${'x'.repeat(300)}`), false)
      assert.equal(excluded('/users/7'), false)
    }
  })
})

describe('the rate limiter', () => {
  test('a client gets its burst, then waits for tokens to refill', () => {
    let now = 0
    const limiter = createRateLimiter({ perMinute: 60, burst: 2, now: () => now })
    assert.equal(limiter.take('a'), 0)
    assert.equal(limiter.take('a'), 0)
    assert.equal(limiter.take('a'), 1)
    assert.equal(limiter.take('b'), 0)
    now += 1000
    assert.equal(limiter.take('a'), 0)
  })
  test('waiting reports the seconds until a token without taking one or tracking the client', () => {
    let now = 0
    const limiter = createRateLimiter({ perMinute: 60, burst: 1, now: () => now })
    assert.equal(limiter.wait('a'), 0)
    assert.equal(limiter.size, 0)
    assert.equal(limiter.take('a'), 0)
    assert.equal(limiter.wait('a'), 1)
    assert.equal(limiter.wait('a'), 1)
    now += 1000
    assert.equal(limiter.wait('a'), 0)
    assert.equal(limiter.take('a'), 0)
  })
  test('the tokens a client holds are reported without taking one, a full bucket for an unknown client', () => {
    let now = 0
    const limiter = createRateLimiter({ perMinute: 60, burst: 2, now: () => now })
    assert.equal(limiter.available('a'), 2)
    assert.equal(limiter.size, 0)
    limiter.take('a')
    limiter.take('a')
    assert.equal(limiter.available('a'), 0)
    now += 500
    assert.equal(limiter.available('a'), 0.5)
    now += 5000
    assert.equal(limiter.available('a'), 2)
  })
  test('the client table is bounded', () => {
    const limiter = createRateLimiter({ perMinute: 60, maxClients: 100 })
    for (let i = 0; i < 1000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`)
    assert.equal(limiter.size, 100)
  })
})
