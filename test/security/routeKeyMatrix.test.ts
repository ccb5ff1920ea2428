/**
 * Every route a fully-enabled instance mounts, called with every kind of key, on every adapter: the expected
 * answer follows from the scope the route declares, so a new route is covered without editing this file.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { OpsRoute } from 'lookout/adapter'
import { createLogCapture } from 'lookout/testing'
import { fullyEnabledOptions } from '../../scripts/gen-security-docs.ts'
import { startApp } from '../conformance/adapters.ts'

const GLOBAL_KEY = 'global-operator-key-0123456789'
const ACME_KEY = 'acme-operator-key-0123456789ab'
const GLOBEX_KEY = 'globex-operator-key-0123456789'
const ORIGIN = 'https://app.example.com'

type Outcome = 'allowed' | 401 | 403

/** One way of calling a route: which key (and how), and which tenant the request acts on. */
interface Variant {
  readonly name: string
  readonly headers: Record<string, string>
  readonly query?: string
  readonly tenant: string
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` })
const VARIANTS: readonly Variant[] = [
  { name: 'global key', headers: bearer(GLOBAL_KEY), tenant: 'acme' },
  { name: 'tenant key, own tenant', headers: bearer(ACME_KEY), tenant: 'acme' },
  { name: 'tenant key, other tenant', headers: bearer(ACME_KEY), tenant: 'globex' },
  { name: 'tenant key as X-API-Key, other tenant', headers: { 'x-api-key': GLOBEX_KEY }, tenant: 'acme' },
  { name: 'no key', headers: {}, tenant: 'acme' },
  { name: 'truncated key', headers: bearer(GLOBAL_KEY.slice(0, -1)), tenant: 'acme' },
  { name: 'key:tenant as the key', headers: bearer(`${ACME_KEY}:acme`), tenant: 'acme' },
  {
    name: 'Basic credentials',
    headers: { authorization: `Basic ${Buffer.from(`x:${GLOBAL_KEY}`).toString('base64')}` },
    tenant: 'acme',
  },
  {
    name: 'keys in the query string',
    headers: {},
    query: `key=${GLOBAL_KEY}&api_key=${GLOBAL_KEY}&token=${GLOBAL_KEY}&access_token=${GLOBAL_KEY}`,
    tenant: 'acme',
  },
]

/** What a route's scope promises for one variant. */
function expected(route: OpsRoute, variant: Variant): Outcome {
  const scope = route.scope
  if (scope.kind === 'public') return 'allowed'
  const key =
    variant.headers.authorization?.replace(/^Bearer /, '') ?? variant.headers['x-api-key'] ?? undefined
  const tenantOfKey = key === ACME_KEY ? 'acme' : key === GLOBEX_KEY ? 'globex' : undefined
  if (key !== GLOBAL_KEY && tenantOfKey === undefined) return 401
  if (tenantOfKey === undefined) return 'allowed'
  if (scope.kind === 'global') return 403
  return tenantOfKey === variant.tenant ? 'allowed' : 403
}

/** Bodies of routes whose tenant is read from the body, by path: each such route must have one here. */
const TENANT_BODIES: Record<string, (tenant: string) => unknown> = {
  '/observability/alerts/alertmanager': (tenant) => ({
    version: '4',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'MatrixProbe', tenant },
        annotations: {},
        startsAt: '2026-01-01T00:00:00Z',
      },
    ],
  }),
}

/** Routes whose tenant is read from the query string, by path prefix: the query that names the tenant. */
const TENANT_QUERIES: Record<string, (tenant: string) => string> = {
  '/observability/console/api/': (tenant) => `tenant=${tenant}`,
}
const tenantQueryOf = (path: string) =>
  Object.entries(TENANT_QUERIES).find(([prefix]) => path.startsWith(prefix))?.[1]

function scopeKind(route: OpsRoute): string {
  return route.scope.kind === 'tenant' ? `tenant:${'param' in route.scope}` : route.scope.kind
}

function requestFor(
  route: OpsRoute,
  variant: Variant,
  routes: readonly OpsRoute[],
): { path: string; init: RequestInit } {
  const tenantParam = route.scope.kind === 'tenant' && 'param' in route.scope ? route.scope.param : undefined
  const path = route.path
    .split('/')
    .map((seg) => (seg === `:${tenantParam}` ? variant.tenant : seg.startsWith(':') ? 'matrix-id' : seg))
    .join('/')
  const headers: Record<string, string> = { origin: ORIGIN, ...variant.headers }
  let body: string | undefined
  if (route.method === 'OPTIONS') {
    // A preflight asks for the method of the route it guards.
    const target = routes.find((r) => r.path === route.path && r.method !== 'OPTIONS')
    headers['access-control-request-method'] = target?.method ?? 'POST'
  } else if (route.method !== 'GET' && route.method !== 'DELETE') {
    const byBody = route.scope.kind === 'tenant' && !('param' in route.scope)
    headers['content-type'] = 'application/json'
    body = JSON.stringify(byBody ? TENANT_BODIES[route.path]!(variant.tenant) : {})
  }
  const tenantQuery = tenantQueryOf(route.path)?.(variant.tenant)
  const query = [tenantQuery, variant.query].filter((q) => q !== undefined).join('&')
  return {
    path: query === '' ? path : `${path}?${query}`,
    init: { method: route.method, headers, body },
  }
}

for (const adapter of ['fastify', 'express', 'node'] as const) {
  describe(`the route × key matrix on ${adapter}`, () => {
    test('every mounted route answers every key as its declared scope says', async (t) => {
      const app = await startApp(
        adapter,
        fullyEnabledOptions({
          store: { url: 'sqlite::memory:' },
          operator: {
            keys: [GLOBAL_KEY, `${ACME_KEY}:acme`, `${GLOBEX_KEY}:globex`],
            // Every refused variant comes from loopback: room for all of them, so each is answered by its scope
            // (the throttle itself is tested in operatorRateLimits.test.ts).
            rateLimit: { invalidKey: { perMinute: 10, burst: 100_000 } },
          },
        }),
        // Lookout's own logger (lines captured, not printed): the console's log routes are mounted only over it.
        { logger: createLogCapture({ service: 'security-matrix', console: { enabled: true } }).logger },
      )
      t.after(() => app.close())
      const routes = app.lookout.routes.map((m) => m.route)
      for (const path of ['/observability/console/api/logs', '/observability/console/api/logs/tail'])
        assert.ok(
          routes.some((r) => r.path === path),
          `${path} is mounted`,
        )
      const scopes = new Set(routes.map(scopeKind))
      assert.deepEqual(
        [...scopes].sort(),
        ['global', 'public', 'tenant:false', 'tenant:true'],
        'every kind of scope is exercised',
      )
      for (const route of routes) {
        if (route.scope.kind === 'tenant' && !('param' in route.scope)) {
          assert.ok(
            TENANT_BODIES[route.path] ?? tenantQueryOf(route.path),
            `${route.path} reads its tenant from the request: give it a body or a query above`,
          )
        }
      }
      const failures: string[] = []
      const succeeded = new Set<string>()
      let calls = 0
      for (const route of routes) {
        // Every caller the scope admits gets the answer the first admitted caller got (the handler's, unchanged).
        let baseline: number | undefined
        for (const variant of VARIANTS) {
          const { path, init } = requestFor(route, variant, routes)
          const res = await fetch(`${app.url}${path}`, init)
          // A live stream (server-sent events) does not end by itself: its status and headers are the answer.
          if (res.headers.get('content-type')?.startsWith('text/event-stream')) await res.body?.cancel()
          else await res.arrayBuffer()
          calls++
          const want = expected(route, variant)
          if (want === 'allowed') baseline ??= res.status
          const ok =
            want === 'allowed'
              ? res.status !== 401 && res.status !== 403 && res.status < 500 && res.status === baseline
              : res.status === want
          if (want === 'allowed' && res.status < 300) succeeded.add(scopeKind(route))
          if (!ok) {
            const wanted = want === 'allowed' ? `${baseline} as the first admitted caller` : want
            failures.push(`${route.method} ${path} with ${variant.name}: ${res.status}, expected ${wanted}`)
          }
        }
      }
      assert.deepEqual(failures, [], `${failures.length} of ${calls} calls answered against their scope`)
      assert.ok(calls >= routes.length * VARIANTS.length)
      assert.deepEqual(
        [...succeeded].sort(),
        [...scopes].sort(),
        'every kind of scope answered 2xx to an admitted key',
      )
    })
  })
}
