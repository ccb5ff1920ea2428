import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createCors } from '../../../src/frontend/createCors.ts'
import type { OpsRequest } from '../../../src/http/opsRoute.ts'

const req = (headers: Record<string, string>) => ({ headers }) as unknown as OpsRequest
const ok = { status: 202, headers: { 'cache-control': 'no-store' }, body: { accepted: 1 } }

test('without origins CORS adds nothing and is disabled', () => {
  const cors = createCors({ origins: [], maxAgeSeconds: 600 })
  assert.equal(cors.enabled, false)
  assert.deepEqual(cors.apply(req({ origin: 'https://app.example.com' }), ok), ok)
})

test('an allowed origin is echoed with the rate-limit headers exposed and Vary: origin', () => {
  const cors = createCors({ origins: ['https://app.example.com'], maxAgeSeconds: 600 })
  const res = cors.apply(req({ origin: 'https://app.example.com' }), ok)
  assert.equal(res.headers?.['access-control-allow-origin'], 'https://app.example.com')
  assert.equal(res.headers?.['access-control-expose-headers'], 'retry-after, x-sentry-rate-limits')
  assert.equal(res.headers?.vary, 'origin')
  assert.equal(res.headers?.['access-control-allow-credentials'], undefined)
})

test('another origin gets no allow-origin header', () => {
  const cors = createCors({ origins: ['https://app.example.com'], maxAgeSeconds: 600 })
  const res = cors.apply(req({ origin: 'https://evil.example' }), ok)
  assert.equal(res.headers?.['access-control-allow-origin'], undefined)
})

test('a wildcard answers * and never allows credentials', () => {
  const cors = createCors({ origins: ['*'], maxAgeSeconds: 600 })
  const res = cors.apply(req({ origin: 'https://any.example' }), ok)
  assert.equal(res.headers?.['access-control-allow-origin'], '*')
  assert.equal(res.headers?.['access-control-allow-credentials'], undefined)
})

const preflights: [string, Record<string, string>, number][] = [
  [
    'an allowed origin asking for POST',
    { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    204,
  ],
  [
    'an allowed origin asking for DELETE',
    { origin: 'https://app.example.com', 'access-control-request-method': 'DELETE' },
    403,
  ],
  ['another origin', { origin: 'https://evil.example', 'access-control-request-method': 'POST' }, 403],
  ['no origin', { 'access-control-request-method': 'POST' }, 403],
]
for (const [why, headers, status] of preflights) {
  test(`a preflight from ${why} is answered ${status}`, async () => {
    const cors = createCors({ origins: ['https://app.example.com'], maxAgeSeconds: 120 })
    const route = cors.preflight('/api/v1/metrics', 'POST')
    assert.equal(route.method, 'OPTIONS')
    const res = await route.handler({ ...req(headers), body: undefined } as OpsRequest)
    assert.equal(res.status, status)
    if (status === 204) {
      assert.equal(res.headers?.['access-control-allow-methods'], 'POST')
      assert.equal(res.headers?.['access-control-allow-headers'], 'content-type')
      assert.equal(res.headers?.['access-control-max-age'], '120')
    } else assert.equal(res.headers?.['access-control-allow-origin'], undefined)
  })
}
