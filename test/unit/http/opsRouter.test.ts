import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { MountedOpsRoute } from '../../../src/http/opsDispatcher.ts'
import type { OpsRoute } from '../../../src/http/opsRoute.ts'
import { createOpsRouter } from '../../../src/http/opsRouter.ts'

const mounted = (method: string, path: string): MountedOpsRoute => ({
  route: { method, path } as unknown as OpsRoute,
  rateLimit: undefined,
  handle: async () => ({ status: 200 }),
})

const routes = [
  mounted('GET', '/metrics'),
  mounted('GET', '/health/live'),
  mounted('GET', '/observability/alerts/history/:tenant'),
  mounted('POST', '/observability/slo/:name/reset'),
  mounted('GET', '/'),
]

const cases: [string, string, string | undefined, Record<string, string>?][] = [
  ['GET', '/metrics', '/metrics', {}],
  ['HEAD', '/metrics', '/metrics', {}],
  ['GET', '/metrics/', undefined],
  ['GET', '/metricsx', undefined],
  ['POST', '/metrics', undefined],
  ['GET', '/health/live', '/health/live', {}],
  ['GET', '/health', undefined],
  [
    'GET',
    '/observability/alerts/history/acme%20co',
    '/observability/alerts/history/:tenant',
    { tenant: 'acme co' },
  ],
  ['GET', '/observability/alerts/history/', undefined],
  ['GET', '/observability/alerts/history/%E0', undefined],
  ['POST', '/observability/slo/checkout/reset', '/observability/slo/:name/reset', { name: 'checkout' }],
  ['GET', '/', '/', {}],
  ['GET', '//', undefined],
  ['GET', '/users/7', undefined],
  ['GET', '/metrics/../users', undefined],
  ['GET', 'http://host/metrics', undefined],
  ['GET', '', undefined],
]

test('ops routes match by method and exact segments; app paths and near misses do not', () => {
  const router = createOpsRouter(routes)
  for (const [method, path, template, params] of cases) {
    const m = router.match(method, path)
    assert.equal(m?.template, template, `${method} ${path}`)
    if (params !== undefined) assert.deepEqual(m?.params, params, `${method} ${path}`)
  }
})

test('a route whose first segment is a parameter still matches any first segment', () => {
  const router = createOpsRouter([mounted('GET', '/:tenant/status'), mounted('GET', '/metrics')])
  assert.deepEqual(router.match('GET', '/acme/status')?.params, { tenant: 'acme' })
  assert.equal(router.match('GET', '/metrics')?.template, '/metrics')
  assert.equal(router.match('GET', '/acme/other'), undefined)
})

test('routes under a prefix match only under it', () => {
  const router = createOpsRouter([
    mounted('GET', '/_lookout/metrics'),
    mounted('GET', '/_lookout/health/live'),
  ])
  assert.equal(router.match('GET', '/_lookout/metrics')?.template, '/_lookout/metrics')
  assert.equal(router.match('GET', '/metrics'), undefined)
  assert.equal(router.match('GET', '/_lookoutx/metrics'), undefined)
})
