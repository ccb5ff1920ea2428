import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createAuthFailureSummary } from '../../../src/http/authFailureSummary.ts'
import { resolveClientIp } from '../../../src/http/clientIp.ts'
import { createFailedAuthThrottle } from '../../../src/http/failedAuthThrottle.ts'
import { createRateLimiter } from '../../../src/http/rateLimiter.ts'
import { createRouteExclusion } from '../../../src/http/routeExclusion.ts'
import { createRedactor } from '../../../src/redact/createRedactor.ts'
import { createKeyMatcher } from '../../../src/redact/sensitiveKeys.ts'
import { EncodedKeyValues } from '../../../src/tracing/encodedKeyValues.ts'
import { detachedCopy } from '../../../src/util/detachedCopy.ts'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const QUERY_BYTES = 16_000
const REQUESTS = 2_000

/** A request line as a client could send it: a path before a query string of ~16 KB. */
function hostileUrl(i: number): string {
  // join('') builds one flat string, as the HTTP parser hands a URL over. The path is longer than 12 characters:
  // V8 copies shorter substrings instead of pointing into the string they were cut from.
  return [pathOf(i), '?secret=', 's'.repeat(QUERY_BYTES)].join('')
}

function pathOf(i: number): string {
  return `/users/${i}/orders/recent`
}

/** Heap bytes still in use after `fill` ran and a full collection, with `keep` (the cache) alive. */
function retainedBy(fill: () => unknown): number {
  gc()
  const before = process.memoryUsage().heapUsed
  const keep = fill()
  gc()
  const after = process.memoryUsage().heapUsed
  assert.ok(keep !== undefined)
  return after - before
}

// Without the copy, V8 (Node 22 and 24) keeps each 16 KB URL alive through the few characters cut from it: 32 MB
// for 2 000 requests. With it, what stays is the cut characters.
const BOUND = 8 * 1024 * 1024

test('a copy equals its string and keeps nothing it was cut from', () => {
  const url = hostileUrl(1)
  assert.equal(detachedCopy(url.slice(0, url.indexOf('?'))), pathOf(1))
  assert.equal(detachedCopy(''), '')
  assert.equal(detachedCopy('\ud800x'), '\ud800x')
  const retained = retainedBy(() => {
    const kept: string[] = []
    for (let i = 0; i < REQUESTS; i++) {
      const u = hostileUrl(i)
      kept.push(detachedCopy(u.slice(0, u.indexOf('?'))))
    }
    return kept
  })
  assert.ok(retained < BOUND, `${retained} bytes retained`)
})

test('the route exclusion does not keep the URLs of the raw paths it decided', () => {
  const isExcluded = createRouteExclusion(['/metrics', '/health*'])
  const retained = retainedBy(() => {
    for (let i = 0; i < REQUESTS; i++) {
      const url = hostileUrl(i)
      isExcluded(url.slice(0, url.indexOf('?')))
    }
    return isExcluded
  })
  assert.ok(retained < BOUND, `${retained} bytes retained`)
})

test("the redactor's memo of query parameter names does not keep the URLs they came from", () => {
  const redactor = createRedactor()
  const retained = retainedBy(() => {
    for (let i = 0; i < REQUESTS; i++)
      redactor.redactUrl([`/q?parameter_number_${i}=`, 'v'.repeat(QUERY_BYTES)].join(''))
    return redactor
  })
  assert.ok(retained < BOUND, `${retained} bytes retained`)
  assert.equal(redactor.redactUrl('/q?password=hunter2&page=2'), '/q?password=[REDACTED]&page=2')
})

test('the key matcher decides keys too long to remember as it decides short ones', () => {
  const isSensitive = createKeyMatcher()
  const long = `password${'x'.repeat(200)}`
  assert.equal(isSensitive(long), true)
  assert.equal(isSensitive(long), true)
  assert.equal(isSensitive(`page${'x'.repeat(200)}`), false)
  const retained = retainedBy(() => {
    for (let i = 0; i < REQUESTS; i++) {
      const body = [`field_number_${i}`, '=', 'b'.repeat(QUERY_BYTES)].join('')
      isSensitive(body.slice(0, body.indexOf('=')))
    }
    return isSensitive
  })
  assert.ok(retained < BOUND, `${retained} bytes retained`)
})

test('encoded attribute values kept for reuse do not keep the request lines they were cut from', () => {
  const kept = new EncodedKeyValues({ maxValuesPerKey: REQUESTS })
  const body = new Uint8Array(4)
  const retained = retainedBy(() => {
    for (let i = 0; i < REQUESTS; i++) {
      const url = hostileUrl(i)
      kept.add('url.path', url.slice(0, url.indexOf('?')), body)
    }
    return kept
  })
  assert.ok(retained < BOUND, `${retained} bytes retained`)
  assert.equal(kept.get('url.path', pathOf(7)), body)
})

/** A client address as a trusted proxy forwards it: the last hop of an X-Forwarded-For whose first ~16 KB the client wrote. */
function forwardedAddress(i: number): string {
  const forwardedFor = [
    '203.0.113.1, '.repeat(QUERY_BYTES / 13),
    `198.51.${100 + (i >> 7)}.${100 + (i & 127)}`,
  ].join('')
  const ip = resolveClientIp('10.0.0.1', { 'x-forwarded-for': forwardedFor }, (hop) => hop.startsWith('10.'))
  assert.ok(ip !== undefined && ip.length >= 13)
  return ip
}

test('rate-limit buckets do not keep the X-Forwarded-For headers their client addresses were read from', () => {
  const limiter = createRateLimiter({ perMinute: 60 })
  const retained = retainedBy(() => {
    for (let i = 0; i < REQUESTS; i++) limiter.take(forwardedAddress(i))
    return limiter
  })
  assert.ok(retained < BOUND, `${retained} bytes retained`)
  assert.equal(limiter.size, REQUESTS)
})

test("the failed-authentication throttle's tables do not keep X-Forwarded-For headers", () => {
  const throttle = createFailedAuthThrottle({ perMinute: 10, burst: 20 })
  const retained = retainedBy(() => {
    for (let i = 0; i < REQUESTS; i++) throttle.failed(forwardedAddress(i))
    return throttle
  })
  assert.ok(retained < BOUND, `${retained} bytes retained`)
})

test("the operator-key failure summary's address set does not keep X-Forwarded-For headers", () => {
  const summary = createAuthFailureSummary({ threshold: 1, report: () => {}, schedule: () => () => {} })
  const retained = retainedBy(() => {
    for (let i = 0; i < REQUESTS; i++) summary.failed('/observability/config', forwardedAddress(i))
    return summary
  })
  assert.ok(retained < BOUND, `${retained} bytes retained`)
})
