// One workload, three measurements: a Lookout app serves the traffic, a real Prometheus scrapes it with the
// generated rules loaded, and the in-process source, the Prometheus source and the recording-rule expressions must
// agree — counts exactly, error ratios within 1e-9 — for every tenant and SLO. Lookout's own routes are hit too and
// counted by neither source. Error series born after the first scrape are counted from their first request.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import Fastify from 'fastify'
import { createLookout } from 'lookout'
import { lookout as lookoutPlugin } from 'lookout/fastify'
import pino from 'pino'
import { BURN_WINDOWS } from '../../../src/slo/conventions.ts'
import type { RecordingRule } from '../../../src/slo/generateSloRules.ts'
import { lookoutRoutes } from '../../../src/slo/lookoutRoutes.ts'
import { createPrometheusSloSource } from '../../../src/slo/prometheusSloSource.ts'
import { sloRulesToYaml } from '../../../src/slo/sloRulesToYaml.ts'
import { startPrometheus } from '../../support/prometheus.ts'

const OPS = 'ops-key-0123456789abcdef'

test('in-process, Prometheus source and recording rules count the same requests for a replayed workload', async (t) => {
  const instance = createLookout(
    {
      service: 'replay',
      store: { url: 'sqlite::memory:' },
      operator: { keys: [OPS] },
      http: { tenants: ['acme', 'globex'] },
      metrics: { tenantLabel: true },
      slo: { source: 'in-process', evaluateIntervalMs: 0 },
    },
    { env: {}, logger: pino({ level: 'silent' }) },
  )
  const app = Fastify()
  await app.register(lookoutPlugin, { lookout: instance })
  app.get('/work', async () => ({ ok: true }))
  app.get('/fail', async (_req, reply) => reply.code(500).send({ ok: false }))
  app.get('/unavailable', async (_req, reply) => reply.code(503).send({ ok: false }))
  app.get('/slow', async () => {
    await new Promise((r) => setTimeout(r, 350))
    return { ok: true }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  const port = (app.server.address() as AddressInfo).port
  const slo = instance.slo!
  const rules = slo.rules()

  const prom = await startPrometheus(
    t,
    `global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [rules.yaml]
scrape_configs:
  - job_name: replay
    static_configs: [{targets: ['127.0.0.1:${port}']}]
`,
    { 'rules.yaml': sloRulesToYaml(rules) },
  )
  if (!prom) return
  t.after(() => prom.stop())
  const afterScrapes = (n: number) =>
    prom.waitForQuery('count_over_time(up{job="replay"}[10m])', (v) => v >= n)
  const hit = async (path: string, tenant: string, times: number, headers: Record<string, string> = {}) => {
    for (let i = 0; i < times; i++) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        headers: { 'x-tenant-id': tenant, ...headers },
      })
      await res.arrayBuffer()
    }
  }

  // The first scrape sees no request series; everything after is born between scrapes.
  await afterScrapes(1)
  await hit('/work', 'acme', 25)
  await hit('/fail', 'acme', 3)
  await hit('/work', 'globex', 20)
  await afterScrapes(3)
  await hit('/work', 'acme', 15)
  await hit('/fail', 'acme', 3)
  await hit('/unavailable', 'acme', 2)
  await hit('/slow', 'acme', 3)
  await hit('/fail', 'globex', 1)
  // Lookout's own routes, with a tenant: counted by neither source.
  await hit('/observability/slo/status/acme', 'acme', 4, { authorization: `Bearer ${OPS}` })
  await hit('/observability/nothing-here', 'acme', 2)
  const [inAcme, inGlobex] = [await slo.service.status('acme'), await slo.service.status('globex')]
  // The unmatched path is not one of Lookout's routes: both sources count it under the unmatched route.
  assert.equal(inAcme.find((f) => f.slo === 'availability')!.total, 53)

  // Two scrapes after the last request: every series (also those born last) has its final value twice.
  await prom.waitForQuery('sum(http_requests_total{tenant=~"acme|globex"})', (v) => v === 53 + 21 + 4)
  const settled = Number((await prom.query('count_over_time(up{job="replay"}[10m])'))[0]!.value[1])
  await prom.waitForQuery('count_over_time(up{job="replay"}[10m])', (v) => v >= settled + 2)
  const at = Number((await prom.query('timestamp(up{job="replay"})'))[0]!.value[1])

  const source = createPrometheusSloSource({
    url: prom.url,
    tenantLabel: true,
    excludeRoutes: lookoutRoutes(instance.config),
  })
  const sli = rules.groups.flatMap((g) => g.rules).filter((r): r is RecordingRule => 'record' in r)
  for (const [tenant, figures] of [
    ['acme', inAcme],
    ['globex', inGlobex],
  ] as const) {
    for (const def of slo.service.slosFor(tenant)) {
      const mine = figures.find((f) => f.slo === def.name)!
      const theirs = await source.counts(tenant, def, at * 1000)
      assert.deepEqual(
        { good: theirs.period.good, total: theirs.period.total },
        { good: mine.good, total: mine.total },
        `${tenant} ${def.name}: Prometheus source vs in-process (period)`,
      )
      for (const w of BURN_WINDOWS) {
        assert.deepEqual(
          theirs.windows[w.name],
          { good: mine.good, total: mine.total },
          `${tenant} ${def.name} ${w.name}`,
        )
        const rule = sli.find(
          (r) => r.record === `slo:sli_error:ratio_rate${w.name}` && r.labels?.slo === def.name,
        )!
        const result = await fetch(
          `${prom.url}/api/v1/query?query=${encodeURIComponent(rule.expr)}&time=${at}`,
        ).then(
          (r) =>
            r.json() as Promise<{
              data: { result: { metric: Record<string, string>; value: [number, string] }[] }
            }>,
        )
        const sample = result.data.result.find((s) => s.metric.tenant === tenant)
        assert.ok(sample, `${tenant} ${def.name} ${w.name}: no recorded ratio`)
        const expected = mine.total === 0 ? 0 : (mine.total - mine.good) / mine.total
        assert.ok(
          Math.abs(Number(sample.value[1]) - expected) < 1e-9,
          `${tenant} ${def.name} ${w.name}: rule ${sample.value[1]} vs in-process ${expected}`,
        )
      }
    }
  }
  assert.deepEqual(
    [inAcme.find((f) => f.slo === 'availability')!.good, inAcme.find((f) => f.slo === 'latency-p95')!.good],
    [45, 50],
  )

  // An idle window divides 0 by 0: the generated ratio answers 0, the bare division NaN.
  const ratio5m = sli.find(
    (r) => r.record === 'slo:sli_error:ratio_rate5m' && r.labels?.slo === 'availability',
  )!
  const idle = ratio5m.expr.replaceAll('[5m]', '[3s]')
  await prom.waitForQuery('count_over_time(up{job="replay"}[10m])', (v) => v >= settled + 6)
  const later = Number((await prom.query('timestamp(up{job="replay"})'))[0]!.value[1])
  const evalAt = async (expr: string) =>
    (
      await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(expr)}&time=${later}`).then(
        (r) =>
          r.json() as Promise<{
            data: { result: { metric: Record<string, string>; value: [number, string] }[] }
          }>,
      )
    ).data.result.find((s) => s.metric.tenant === 'acme')?.value[1]
  assert.equal(await evalAt(idle), '0')
  assert.equal(
    await evalAt(
      'sum by (tenant) (rate(http_requests_total{status=~"5.."}[3s])) / sum by (tenant) (rate(http_requests_total[3s]))',
    ),
    'NaN',
  )
})
