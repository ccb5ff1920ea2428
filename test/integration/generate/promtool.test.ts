// The generated Prometheus and Alertmanager files checked by the real tools: `promtool check config`,
// `promtool check rules`, `promtool test rules` (the 5xx and operator-key alerts against synthetic series) and
// `amtool check-config` — for the committed example and for variants (otel conventions, metrics token,
// PagerDuty routing).
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { generateAll } from '../../../src/generate/generateAll.ts'
import type { LookoutProjectConfig } from '../../../src/generate/generateModel.ts'
import { serviceAlertSpecs } from '../../../src/generate/serviceAlerts.ts'
import { requireBinary, run } from '../../support/binaries.ts'
import { modelOf } from '../../unit/generate/model.ts'

const EXAMPLE = new URL('../../../deploy/generated/', import.meta.url).pathname

test('the committed example passes promtool check config/rules and amtool check-config', async (t) => {
  const promtool = requireBinary(t, 'promtool')
  const amtool = requireBinary(t, 'amtool')
  if (!promtool || !amtool) return
  const rules = readdirSync(join(EXAMPLE, 'prometheus/rules')).map((f) =>
    join(EXAMPLE, 'prometheus/rules', f),
  )
  assert.equal(rules.length, 2)
  assert.match(
    await run(promtool, ['check', 'rules', ...rules]),
    /SUCCESS: 15 rules found[\s\S]*SUCCESS: 60 rules found/,
  )
  assert.match(
    await run(promtool, ['check', 'config', join(EXAMPLE, 'prometheus/prometheus.yml')]),
    /SUCCESS/,
  )
  assert.match(await run(amtool, ['check-config', join(EXAMPLE, 'alertmanager/alertmanager.yml')]), /SUCCESS/)
})

const variants: [string, LookoutProjectConfig][] = [
  [
    'otel conventions per tenant',
    { lookout: { service: 'shop', metrics: { conventions: 'otel', tenantLabel: true } } },
  ],
  [
    'a metrics token and direct PagerDuty routing',
    {
      lookout: { service: 'shop', metrics: { token: 'token-0123456789abcdef' } },
      generate: { alertmanager: { receiver: 'pagerduty' } },
    },
  ],
  [
    'tenant SLO overrides and both receivers',
    {
      lookout: {
        service: 'shop',
        metrics: { tenantLabel: true },
        slo: {
          tenants: {
            acme: [
              { name: 'availability', objective: 99.5 },
              { name: 'latency-p95', threshold: '1s' },
            ],
          },
        },
      },
      generate: { alertmanager: { receiver: 'both' } },
    },
  ],
]
for (const [what, project] of variants) {
  test(`generated files for ${what} pass promtool and amtool`, async (t) => {
    const promtool = requireBinary(t, 'promtool')
    const amtool = requireBinary(t, 'amtool')
    if (!promtool || !amtool) return
    const dir = mkdtempSync(join(tmpdir(), 'lookout-promtool-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    for (const secret of ['metrics-token', 'operator-key', 'pagerduty-routing-key'])
      writeFileSync(join(dir, secret), 'x'.repeat(32))
    const model = modelOf({
      ...project,
      generate: {
        ...project.generate,
        prometheus: { metricsTokenFile: join(dir, 'metrics-token') },
        alertmanager: {
          ...project.generate?.alertmanager,
          operatorKeyFile: join(dir, 'operator-key'),
          pagerdutyRoutingKeyFile: join(dir, 'pagerduty-routing-key'),
        },
      },
    })
    for (const f of generateAll(model)) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true })
      writeFileSync(join(dir, f.path), f.content)
    }
    const rules = readdirSync(join(dir, 'prometheus/rules')).map((f) => join(dir, 'prometheus/rules', f))
    await run(promtool, ['check', 'rules', ...rules])
    assert.match(await run(promtool, ['check', 'config', join(dir, 'prometheus/prometheus.yml')]), /SUCCESS/)
    assert.match(await run(amtool, ['check-config', join(dir, 'alertmanager/alertmanager.yml')]), /SUCCESS/)
  })
}

test('promtool test rules: the generated 5xx alert fires for the failing tenant only, after its for', async (t) => {
  const promtool = requireBinary(t, 'promtool')
  if (!promtool) return
  const dir = mkdtempSync(join(tmpdir(), 'lookout-promtool-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const model = modelOf({
    lookout: { service: 'shop', metrics: { tenantLabel: true } },
    generate: { alerts: { for: '2m', errorRatio: 0.05 } },
  })
  const alerts = generateAll(model).find((f) => f.path === 'prometheus/rules/shop-alerts.yaml')!
  writeFileSync(join(dir, 'alerts.yaml'), alerts.content)
  // acme: 10 req/s, 2 of them 5xx (20 %); globex: 10 req/s, none failing.
  writeFileSync(
    join(dir, 'test.yaml'),
    `rule_files: [alerts.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'http_requests_total{job="shop",tenant="acme",route="/a",method="GET",status="200"}'
        values: '0+480x15'
      - series: 'http_requests_total{job="shop",tenant="acme",route="/a",method="GET",status="503"}'
        values: '0+120x15'
      - series: 'http_requests_total{job="shop",tenant="globex",route="/a",method="GET",status="200"}'
        values: '0+600x15'
    alert_rule_test:
      - eval_time: 2m
        alertname: LookoutHighErrorRate
        exp_alerts: []
      - eval_time: 4m
        alertname: LookoutHighErrorRate
        exp_alerts:
          - exp_labels: { tenant: acme, service: shop, severity: critical }
            exp_annotations:
              summary: 'shop: more than 5% of requests fail with 5xx for tenant acme'
              description: '5xx share over 5m is 20%.'
`,
  )
  assert.match(await run(promtool, ['test', 'rules', join(dir, 'test.yaml')], { cwd: dir }), /SUCCESS/)
})

test('promtool test rules: the operator-key alert fires on missing and wrong keys summed over routes and instances, public routes included, not on throttled ones', async (t) => {
  const promtool = requireBinary(t, 'promtool')
  if (!promtool) return
  const dir = mkdtempSync(join(tmpdir(), 'lookout-promtool-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const model = modelOf({ lookout: { service: 'shop' } })
  const alerts = generateAll(model).find((f) => f.path === 'prometheus/rules/shop-alerts.yaml')!
  writeFileSync(join(dir, 'alerts.yaml'), alerts.content)
  const spec = serviceAlertSpecs(model).find((s) => s.alert === 'LookoutOperatorAuthFailureSpike')!
  const series = (instance: string, route: string, reason: string) =>
    `'lookout_operator_auth_failures_total{job="shop",instance="${instance}",route="${route}",reason="${reason}"}'`
  // Guesses spread over two replicas and three routes: 5 + 3 a minute (40 in 5m, above 30), neither replica nor
  // route above it alone, and only above it with the wrong keys sent to the public status page.
  // A lone replica's 25 in 5m stays below, however many throttled requests it refuses.
  // Replica a: 4 wrong keys a minute on one operator route and 1 missing on another (25 in 5m), in both tests.
  const replicaA = `      - series: ${series('a:8000', '/observability/config', 'invalid')}
        values: '0+4x15'
      - series: ${series('a:8000', '/observability/status/incidents', 'missing')}
        values: '0+1x15'
`
  writeFileSync(
    join(dir, 'test.yaml'),
    `rule_files: [alerts.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
${replicaA}      - series: ${series('b:8000', '/status', 'invalid')}
        values: '0+3x15'
      - series: ${series('b:8000', '/observability/status/incidents', 'missing')}
        values: '0x15'
    alert_rule_test:
      - eval_time: 2m
        alertname: LookoutOperatorAuthFailureSpike
        exp_alerts: []
      - eval_time: 10m
        alertname: LookoutOperatorAuthFailureSpike
        exp_alerts:
          - exp_labels: { service: shop, severity: warning }
            exp_annotations:
              summary: 'shop: more than 30 requests with a missing or wrong operator key in 5m'
              description: ${JSON.stringify(spec.description.replace('{{ $value | humanize }}', '40'))}
  - interval: 1m
    input_series:
${replicaA}      - series: ${series('a:8000', '/observability/config', 'throttled')}
        values: '0+100x15'
    alert_rule_test:
      - eval_time: 10m
        alertname: LookoutOperatorAuthFailureSpike
        exp_alerts: []
`,
  )
  assert.match(await run(promtool, ['test', 'rules', join(dir, 'test.yaml')], { cwd: dir }), /SUCCESS/)
})
