import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import Fastify from 'fastify'
import { createLookout } from 'lookout'
import { lookout as lookoutPlugin } from 'lookout/fastify'
import pino from 'pino'
import { buildSloModel } from '../../../src/slo/buildSloModel.ts'
import { createPrometheusSloSource } from '../../../src/slo/prometheusSloSource.ts'
import { startPrometheus } from '../../support/prometheus.ts'

for (const conventions of ['prometheus', 'otel'] as const) {
  test(`the Prometheus source measures per-tenant error ratios from a real Prometheus (${conventions})`, async (t) => {
    const instance = createLookout(
      {
        service: 'identity',
        store: { url: 'sqlite::memory:' },
        metrics: { conventions, tenantLabel: true },
        http: { tenants: ['acme', 'globex'] },
        slo: { evaluateIntervalMs: 0 },
      },
      { env: {}, logger: pino({ level: 'silent' }) },
    )
    const app = Fastify()
    await app.register(lookoutPlugin, { lookout: instance })
    app.get('/users/:id', async () => ({ ok: true }))
    app.get('/boom', async (_req, reply) => reply.code(500).send({ ok: false }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    t.after(() => app.close())
    const port = (app.server.address() as AddressInfo).port
    const hit = (path: string, tenant: string) =>
      fetch(`http://127.0.0.1:${port}${path}`, { headers: { 'x-tenant-id': tenant } }).then((r) =>
        r.arrayBuffer(),
      )
    // Create every series before the first scrape: a counter's first sample is its baseline.
    for (const tenant of ['acme', 'globex']) {
      await hit('/users/1', tenant)
      await hit('/boom', tenant)
    }
    const prom = await startPrometheus(
      t,
      `global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: identity
    static_configs: [{targets: ['127.0.0.1:${port}']}]
`,
    )
    if (!prom) return
    t.after(() => prom.stop())
    const series =
      conventions === 'otel' ? 'http_server_request_duration_seconds_count' : 'http_requests_total'
    const route = conventions === 'otel' ? 'http_route' : 'route'
    await prom.waitForQuery(`count_over_time(${series}{tenant="acme",${route}="/boom"}[1m])`, (v) => v >= 2)
    for (let i = 0; i < 30; i++) await hit('/users/1', 'acme')
    for (let i = 0; i < 10; i++) await hit('/boom', 'acme')
    for (let i = 0; i < 40; i++) await hit('/users/1', 'globex')
    await prom.waitForQuery(`sum(${series}{tenant="acme"})`, (v) => v === 42)
    await prom.waitForQuery(`sum(${series}{tenant="globex"})`, (v) => v === 42)
    // One more scrape after the last request, so increase() sees the final values twice.
    await prom.waitForQuery(
      `count_over_time(${series}{tenant="globex",${route}="/users/:id"}[1m])`,
      (v) => v >= 8,
    )

    const source = createPrometheusSloSource({
      url: prom.url,
      conventions,
      tenantLabel: true,
      selector: { job: 'identity' },
    })
    const slo = buildSloModel().defaults[0]!
    const now = Date.now()
    const acme = await source.counts('acme', slo, now)
    const globex = await source.counts('globex', slo, now)
    const ratio = (c: { good: number; total: number }) => (c.total - c.good) / c.total
    // 10 of 40 new acme requests failed; increase() extrapolates each series a little differently.
    assert.ok(Math.abs(ratio(acme.windows['5m']!) - 0.25) < 0.05, JSON.stringify(acme.windows['5m']))
    assert.ok(Math.abs(ratio(acme.period) - 0.25) < 0.05, JSON.stringify(acme.period))
    assert.equal(ratio(globex.windows['1h']!), 0)
    assert.ok(globex.windows['1h']!.total > 30)
    const tenants = await source.tenants(now)
    assert.ok(tenants.includes('acme') && tenants.includes('globex'), tenants.join(','))
    const steps = await source.steps('acme', slo, now - 10 * 60_000, now, 60_000)
    assert.equal(steps.length, 10)
    const totals = steps.reduce((s, x) => ({ good: s.good + x.good, total: s.total + x.total }), {
      good: 0,
      total: 0,
    })
    assert.ok(totals.total > 0)

    const unreachable = createPrometheusSloSource({ url: 'http://127.0.0.1:1', timeoutMs: 500 })
    await assert.rejects(unreachable.counts('acme', slo, now))
  })
}
