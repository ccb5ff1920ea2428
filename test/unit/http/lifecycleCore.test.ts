import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import type { LookoutOptions } from '../../../src/config/schema.ts'
import { createLifecycleCore, type LifecycleCore } from '../../../src/http/lifecycleCore.ts'
import type { LifecycleRequest } from '../../../src/http/lifecycleRequest.ts'
import type { RequestObserver } from '../../../src/http/requestObserver.ts'
import { createHttpMetrics } from '../../../src/metrics/httpMetrics.ts'
import { createMetricRegistry } from '../../../src/metrics/metricRegistry.ts'

function coreWith(options: LookoutOptions = {}) {
  const config = resolveConfig({ service: 'core', ...options }, {})
  const registry = createMetricRegistry()
  const core = createLifecycleCore({ config, metrics: createHttpMetrics(registry, config) })
  const count = async (route: string, status: number) => {
    const text = await registry.expose()
    const m = new RegExp(
      `^http_requests_total\\{method="GET",route="${route.replace(/[/:]/g, (c) => `\\${c}`)}",status="${status}"\\} (\\d+)$`,
      'm',
    ).exec(text)
    return m === null ? 0 : Number(m[1])
  }
  return { core, count }
}

/** What a started request looks like, for comparing the three start paths. */
function shape(req: LifecycleRequest) {
  return {
    method: req.method,
    rawMethod: req.rawMethod,
    url: req.url,
    route: req.route,
    excluded: req.excluded,
    requestId: req.requestId,
    requestIdGenerated: req.requestIdGenerated,
    tenant: req.tenant,
    remoteAddress: req.remoteAddress,
    series: req.series !== undefined,
  }
}

const headers = { 'x-request-id': 'req-1', 'x-tenant-id': 'acme' }

type Starter = (core: LifecycleCore, route: string, url: string) => LifecycleRequest
const STARTERS: Record<string, Starter> = {
  start: (core, route, url) =>
    core.start({ method: 'GET', url, headers, socket: { remoteAddress: '10.0.0.7' }, route }),
  startWith: (core, route, url) => core.startWith('GET', url, headers, { remoteAddress: '10.0.0.7' }, route),
  startBound: (core, route, url) =>
    core.startBound(url, headers, { remoteAddress: '10.0.0.7' }, core.routeBinding('GET', route)),
}

describe('the lifecycle core', () => {
  for (const [route, url] of [
    ['/users/:id', '/users/1?q=1'],
    ['/metrics', '/metrics'],
  ] as const) {
    test(`start, startWith and startBound give the same request and the same counts (${route})`, async () => {
      const { core, count } = coreWith()
      const shapes = Object.entries(STARTERS).map(([name, start]) => {
        const req = start(core, route, url)
        const s = shape(req)
        core.finish(req, 200, 2)
        return [name, s] as const
      })
      const [first] = shapes
      for (const [name, s] of shapes) assert.deepEqual(s, first![1], `${name} differs from start`)
      assert.equal(first![1].excluded, route === '/metrics')
      assert.equal(first![1].requestId, 'req-1')
      assert.equal(first![1].remoteAddress, '10.0.0.7')
      assert.equal(await count(route, 200), route === '/metrics' ? 0 : 3)
      assert.equal(core.inFlight, 0)
    })
  }

  test('an observer that throws in any hook reaches neither the request nor the other observers', async () => {
    const { core, count } = coreWith()
    const seen: string[] = []
    const throwing: RequestObserver = {
      name: 'throws',
      onStart() {
        throw new Error('start')
      },
      wrap() {
        throw new Error('wrap')
      },
      onRoute() {
        throw new Error('route')
      },
      onFinish() {
        throw new Error('finish')
      },
    }
    core.addObserver(throwing)
    core.addObserver({
      name: 'records',
      onStart: () => seen.push('start'),
      wrap: (_req, next) => {
        seen.push('wrap')
        next()
      },
      onRoute: () => seen.push('route'),
      onFinish: () => seen.push('finish'),
    })
    const req = core.startWith('GET', '/users/1', {}, null, undefined)
    let ran = 0
    core.run(req, () => {
      ran++
    })
    core.setRoute(req, '/users/:id')
    core.finish(req, 200, 0)
    assert.equal(ran, 1, 'the request ran once, outside the failing context')
    assert.deepEqual(seen, ['start', 'wrap', 'route', 'finish'])
    assert.equal(await count('/users/:id', 200), 1)
  })

  test('finishing twice counts once and leaves in-flight at zero', async () => {
    const { core, count } = coreWith()
    let finished = 0
    core.addObserver({ name: 'count', onFinish: () => finished++ })
    const req = core.startWith('GET', '/users/1', {}, null, '/users/:id')
    assert.equal(core.inFlight, 1)
    core.finish(req, 200, 10)
    core.finish(req, 500, 10, true)
    assert.equal(finished, 1)
    assert.equal(core.inFlight, 0)
    assert.equal(req.status, 200)
    assert.equal(await count('/users/:id', 200), 1)
    assert.equal(await count('/users/:id', 499), 0)
  })

  test('idle() resolves at once when nothing is in flight, else when the last request finishes', async () => {
    const { core } = coreWith()
    await core.idle()
    const a = core.startWith('GET', '/a', {}, null, '/a')
    const b = core.startWith('GET', '/b', {}, null, '/b')
    let resolved = false
    const idle = core.idle().then(() => {
      resolved = true
    })
    core.finish(a, 200, 0)
    await new Promise((r) => setImmediate(r))
    assert.equal(resolved, false, 'one request still in flight')
    core.finish(b, 200, 0)
    await idle
    assert.equal(resolved, true)
    assert.equal(core.inFlight, 0)
  })

  test('a request finished without a route counts under the unmatched route', async () => {
    const { core, count } = coreWith()
    const req = core.startWith('GET', '/nowhere', {}, null, undefined)
    core.finish(req, 404, 0)
    assert.equal(await count('__unmatched__', 404), 1)
  })
})
