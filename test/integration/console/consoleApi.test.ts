import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { createLookout, type LookoutOptions } from 'lookout'
import { withLookout } from 'lookout/http'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import { createLogger, loggerInternals } from '../../../src/logging/createLogger.ts'

const GLOBAL = 'console-global-key-0123456789'
const ACME = 'console-acme-key-0123456789ab'
const GLOBEX = 'console-globex-key-0123456789'

const options: LookoutOptions = {
  service: 'console-api',
  operator: { keys: [GLOBAL, `${ACME}:acme`, `${GLOBEX}:globex`] },
  http: { tenants: ['acme', 'globex'] },
  metrics: { tenantLabel: true },
  console: { enabled: true, traces: { maxTraces: 5 }, logs: { maxLines: 50 } },
}

async function startApp(opts: LookoutOptions) {
  const config = resolveConfig(opts, {})
  const sink = { write: (_line: string) => true }
  const lookout = createLookout(opts, { env: {}, logger: createLogger(config, sink) })
  const handler = withLookout(
    (req, res) => {
      const log = lookout.getLogger('orders')
      if (req.url?.startsWith('/fail')) {
        log.error({ event: 'order_failed' }, 'order failed')
        res.writeHead(500).end('no')
        return
      }
      lookout.tracing.withSpan('db.query', () =>
        log.info({ event: 'order_loaded', password: 'hunter2' }, 'order loaded'),
      )
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
    },
    {
      lookout,
      route: (req) =>
        req.url?.startsWith('/fail') ? '/fail' : req.url?.startsWith('/orders') ? '/orders/:id' : undefined,
    },
  )
  const server = createServer(handler)
  lookout.attachServer(server)
  await lookout.start()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { lookout, base, close: () => lookout.shutdown() }
}

describe('console JSON APIs', () => {
  let app: Awaited<ReturnType<typeof startApp>>
  const get = (path: string, key = GLOBAL) =>
    fetch(`${app.base}${path}`, { headers: { authorization: `Bearer ${key}` } })
  const getJson = async (path: string, key = GLOBAL) => {
    const res = await get(path, key)
    assert.equal(res.status, 200, `${path}: ${res.status}`)
    return (await res.json()) as Record<string, any>
  }
  const request = async (path: string, tenant?: string) => {
    const res = await fetch(`${app.base}${path}`, { headers: tenant ? { 'x-tenant-id': tenant } : {} })
    await res.arrayBuffer()
    return res.headers.get('x-trace-id') ?? ''
  }

  before(async () => {
    app = await startApp(options)
  })
  after(() => app.close())

  test('traces list shows finished requests with their child spans, newest first', async () => {
    const traceId = await request('/orders/1', 'acme')
    assert.match(traceId, /^[0-9a-f]{32}$/)
    const { traces } = await getJson(`/observability/console/api/traces?traceId=${traceId}`)
    assert.equal(traces.length, 1)
    assert.equal(traces[0].route, '/orders/:id')
    assert.equal(traces[0].status, 200)
    assert.equal(traces[0].tenant, 'acme')
    const one = await getJson(`/observability/console/api/traces/${traceId}`)
    assert.deepEqual(
      one.spans.map((s: { name: string }) => s.name).sort(),
      ['GET /orders/:id', 'db.query'].sort(),
    )
    const child = one.spans.find((s: { name: string }) => s.name === 'db.query')
    assert.equal(child.parentSpanId, one.spans.find((s: { name: string }) => s.name !== 'db.query').spanId)
  })

  test('trace filters: status, error, minimum duration, route, request id', async () => {
    const failed = await request('/fail', 'globex')
    const byStatus = await getJson('/observability/console/api/traces?status=500')
    assert.ok(byStatus.traces.some((t: { traceId: string }) => t.traceId === failed))
    assert.ok(byStatus.traces.every((t: { status: number }) => t.status === 500))
    const errors = await getJson('/observability/console/api/traces?error=true')
    assert.ok(errors.traces.every((t: { error: boolean }) => t.error))
    const slow = await getJson('/observability/console/api/traces?minDurationMs=60000')
    assert.equal(slow.traces.length, 0)
    const route = await getJson('/observability/console/api/traces?route=%2Ffail')
    assert.ok(route.traces.length >= 1 && route.traces.every((t: { route: string }) => t.route === '/fail'))
    const rid = route.traces[0].requestId
    const byRid = await getJson(`/observability/console/api/traces?requestId=${encodeURIComponent(rid)}`)
    assert.deepEqual(
      byRid.traces.map((t: { requestId: string }) => t.requestId),
      [rid],
    )
  })

  test('the trace buffer stays within maxTraces and counts what it evicts', async () => {
    for (let i = 0; i < 12; i++) await request(`/orders/${i}`)
    assert.ok(app.lookout.console!.traces.size <= 5)
    const { traces } = await getJson('/observability/console/api/traces?limit=1000')
    assert.ok(traces.length <= 5)
    const metrics = await (await get('/metrics')).text()
    const dropped = metrics.match(/^lookout_console_dropped_total\{buffer="traces"\} (\d+)/m)
    assert.ok(dropped !== null && Number(dropped[1]) >= 7, metrics.match(/lookout_console.*/g)?.join('\n'))
  })

  test('logs: redacted lines filtered by trace id, level, text and tenant; the buffer is bounded', async () => {
    const traceId = await request('/orders/7', 'acme')
    const { lines } = await getJson(`/observability/console/api/logs?traceId=${traceId}`)
    assert.ok(lines.length >= 1)
    assert.ok(lines.every((l: any) => l.fields.trace_id === traceId))
    const loaded = lines.find((l: any) => l.fields.event === 'order_loaded')
    assert.ok(loaded, JSON.stringify(lines))
    assert.notEqual(loaded.fields.password, 'hunter2')
    assert.doesNotMatch(JSON.stringify(lines), /hunter2/)
    await request('/fail', 'globex')
    const errs = await getJson('/observability/console/api/logs?level=error')
    assert.ok(errs.lines.length >= 1 && errs.lines.every((l: any) => ['error', 'fatal'].includes(l.level)))
    const text = await getJson('/observability/console/api/logs?text=ORDER%20FAILED')
    assert.ok(
      text.lines.length >= 1 && text.lines.every((l: any) => /order failed/i.test(JSON.stringify(l.fields))),
    )
    for (let i = 0; i < 60; i++) await request(`/orders/${i}`)
    assert.ok(app.lookout.console!.logs!.size <= 50)
    const all = await getJson('/observability/console/api/logs?limit=5000')
    assert.ok(all.lines.length <= 50)
  })

  test('a tenant key sees only its tenant: traces, one trace, logs and series', async () => {
    const acme = await request('/orders/1', 'acme')
    const globex = await request('/fail', 'globex')
    const list = await getJson('/observability/console/api/traces', ACME)
    assert.ok(list.traces.length >= 1)
    assert.ok(list.traces.every((t: { tenant: string }) => t.tenant === 'acme'))
    assert.equal((await get(`/observability/console/api/traces/${globex}`, ACME)).status, 404)
    assert.equal((await get(`/observability/console/api/traces/${acme}`, ACME)).status, 200)
    assert.equal((await get('/observability/console/api/traces?tenant=globex', ACME)).status, 403)
    const logs = await getJson(`/observability/console/api/logs?traceId=${globex}`, ACME)
    assert.equal(logs.lines.length, 0)
    app.lookout.console!.sampleNow()
    const series = await getJson('/observability/console/api/metrics', ACME)
    assert.ok(series.series.length >= 1)
    assert.ok(series.series.every((s: { tenant: string }) => s.tenant === 'acme'))
  })

  test('metrics: per-route series with rate, 5xx and latency quantiles from the registry', async () => {
    app.lookout.console!.sampleNow()
    for (let i = 0; i < 3; i++) await request('/fail', 'globex')
    await request('/orders/1', 'globex')
    app.lookout.console!.sampleNow()
    const { series, stepSeconds } = await getJson(
      '/observability/console/api/metrics?route=%2Ffail&tenant=globex',
    )
    assert.equal(stepSeconds, 60)
    assert.equal(series.length, 1)
    const last = series[0].points.at(-1)
    assert.ok(last.rate > 0 && last.errors > 0 && last.errors === last.rate, JSON.stringify(last))
    assert.ok(last.p95 > 0)
    const fine = await getJson('/observability/console/api/metrics?resolution=fine')
    assert.equal(fine.stepSeconds, 10)
  })

  test('live tail streams new lines as server-sent events, filtered', async () => {
    const ctl = new AbortController()
    const res = await fetch(`${app.base}/observability/console/api/logs/tail?level=error`, {
      headers: { authorization: `Bearer ${GLOBAL}` },
      signal: ctl.signal,
    })
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/)
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    const traceId = await request('/fail', 'globex')
    let text = ''
    while (!text.includes(traceId)) {
      const { value, done } = await reader.read()
      assert.equal(done, false)
      text += value
    }
    const events = text.split('\n\n').filter((e) => e.startsWith('id: '))
    assert.ok(events.every((e) => /"level":"(error|fatal)"/.test(e)))
    ctl.abort()
  })

  test('without a key 401; bad filters are 400s naming the field', async () => {
    assert.equal((await fetch(`${app.base}/observability/console/api/traces`)).status, 401)
    const cases: [string, string][] = [
      ['/observability/console/api/traces?status=abc', 'status'],
      ['/observability/console/api/traces?minDurationMs=-1', 'minDurationMs'],
      ['/observability/console/api/traces?traceId=xyz', 'traceId'],
      ['/observability/console/api/traces?tenant=%20bad', 'tenant'],
      ['/observability/console/api/traces?limit=0', 'limit'],
      ['/observability/console/api/traces?error=yes', 'error'],
      ['/observability/console/api/traces?colour=red', 'colour'],
      ['/observability/console/api/traces?status=200&status=500', 'status'],
      ['/observability/console/api/traces/not-a-trace', 'traceId'],
      ['/observability/console/api/logs?level=loud', 'level'],
      ['/observability/console/api/logs?after=-3', 'after'],
      ['/observability/console/api/logs?limit=5001', 'limit'],
      ['/observability/console/api/logs/tail?text=', 'text'],
      ['/observability/console/api/metrics?resolution=hourly', 'resolution'],
    ]
    for (const [path, field] of cases) {
      const res = await get(path)
      assert.equal(res.status, 400, path)
      const body = (await res.json()) as { error: { message: string; details: { path: string }[] } }
      assert.equal(body.error.details[0]!.path, field, path)
      assert.ok(body.error.message.startsWith(`${field}:`), body.error.message)
    }
  })

  test('the page and its assets are served with a strict CSP and no inline code', async () => {
    const page = await fetch(`${app.base}/observability/console`)
    assert.equal(page.status, 200)
    const csp = page.headers.get('content-security-policy') ?? ''
    assert.match(csp, /default-src 'none'/)
    assert.match(csp, /script-src 'self'(;|$)/)
    const html = await page.text()
    assert.doesNotMatch(html, /<script>[^<]/)
    assert.doesNotMatch(html, /https?:\/\//)
    const js = await fetch(`${app.base}/observability/console/console.js`)
    assert.equal(js.status, 200)
    assert.match(await js.text(), /uPlot|u-title/)
    const css = await fetch(`${app.base}/observability/console/console.css`)
    assert.match(await css.text(), /\.uplot/)
  })
})

describe('console off', () => {
  test('no routes, no buffers, no log hook, no span processor', async () => {
    const config = resolveConfig({ service: 'off' }, {})
    assert.equal(config.console.enabled, false)
    const app = await startApp({ ...options, console: { enabled: false } })
    try {
      assert.equal(app.lookout.console, undefined)
      assert.ok(!app.lookout.routes.some((r) => r.route.path.includes('/console')))
      const res = await fetch(`${app.base}/observability/console/api/traces`, {
        headers: { authorization: `Bearer ${GLOBAL}` },
      })
      // Not a console route: the request reaches the app's own listener.
      assert.equal(await res.text(), 'ok')
      assert.equal(loggerInternals(app.lookout.logger)?.setLineTap, undefined)
      const metrics = await (await fetch(`${app.base}/metrics`)).text()
      assert.doesNotMatch(metrics, /lookout_console/)
    } finally {
      await app.close()
    }
  })

  test('LOOKOUT_CONSOLE_ENABLED turns it on', () => {
    assert.equal(resolveConfig({}, { LOOKOUT_CONSOLE_ENABLED: 'true' }).console.enabled, true)
  })
})
