import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parse } from 'yaml'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import { LookoutError } from '../../../src/errors.ts'
import { buildSloModel } from '../../../src/slo/buildSloModel.ts'
import {
  type AlertingRule,
  generateSloRules,
  type RecordingRule,
  sloRuleOptions,
} from '../../../src/slo/generateSloRules.ts'
import { loadSloModel } from '../../../src/slo/loadSloModel.ts'
import { sloRulesToYaml } from '../../../src/slo/sloRulesToYaml.ts'

const model = buildSloModel({
  slos: [
    { name: 'availability', kind: 'availability', objective: 99.9 },
    { name: 'latency-p95', kind: 'latency', objective: 95, threshold: '300ms', methods: ['GET'] },
    { name: 'export', kind: 'latency', objective: 90, threshold: 2, routes: ['/export.csv'] },
  ],
  tenants: { acme: [{ name: 'availability', objective: 99.95 }] },
})

function rule(rules: ReturnType<typeof generateSloRules>, group: string, name: string, index = 0) {
  const g = rules.groups.find((x) => x.name === group)
  assert.ok(g, `no group ${group} in ${rules.groups.map((x) => x.name).join(', ')}`)
  const found = g.rules.filter((r) => ('record' in r ? r.record : r.alert) === name)
  return found[index] as RecordingRule & AlertingRule
}

// An error-ratio rule: bad / total where there is traffic, 0 for an idle window (never 0/0).
const ratio = (bad: string, total: string) => `(\n  ${bad}\n/\n  (${total} > 0)\n)\nor\n0 * ${total}`

const exprs: [string, Parameters<typeof generateSloRules>[1], string, string, string][] = [
  [
    'prometheus availability fills "no errors" with 0',
    { service: 'identity' },
    'lookout-slo-sli-identity-availability',
    'slo:sli_error:ratio_rate5m',
    ratio(
      '(sum(rate(http_requests_total{status=~"5.."}[5m])) or on() vector(0))',
      'sum(rate(http_requests_total[5m]))',
    ),
  ],
  [
    'otel availability counts through the duration histogram',
    { conventions: 'otel', selector: { job: 'identity' } },
    'lookout-slo-sli-availability',
    'slo:sli_error:ratio_rate1h',
    ratio(
      '(sum(rate(http_server_request_duration_seconds_count{job="identity",http_response_status_code=~"5.."}[1h])) or on() vector(0))',
      'sum(rate(http_server_request_duration_seconds_count{job="identity"}[1h]))',
    ),
  ],
  [
    'prometheus latency subtracts the threshold bucket from the count',
    {},
    'lookout-slo-sli-latency-p95',
    'slo:sli_error:ratio_rate30m',
    ratio(
      '(sum(rate(http_request_duration_seconds_count{method="GET"}[30m])) - sum(rate(http_request_duration_seconds_bucket{method="GET",le="0.3"}[30m])))',
      'sum(rate(http_request_duration_seconds_count{method="GET"}[30m]))',
    ),
  ],
  [
    'an integer threshold matches le="2" and le="2.0", and routes are exact',
    {},
    'lookout-slo-sli-export',
    'slo:sli_error:ratio_rate30d',
    ratio(
      '(sum(rate(http_request_duration_seconds_count{route="/export.csv"}[30d])) - sum(rate(http_request_duration_seconds_bucket{route="/export.csv",le=~"2(\\\\.0)?"}[30d])))',
      'sum(rate(http_request_duration_seconds_count{route="/export.csv"}[30d]))',
    ),
  ],
  [
    'with the tenant label, the default rule aggregates by tenant and excludes overridden tenants',
    { tenantLabel: true },
    'lookout-slo-sli-availability',
    'slo:sli_error:ratio_rate5m',
    ratio(
      '(sum by (tenant) (rate(http_requests_total{tenant!="acme",status=~"5.."}[5m])) or 0 * sum by (tenant) (rate(http_requests_total{tenant!="acme"}[5m])))',
      'sum by (tenant) (rate(http_requests_total{tenant!="acme"}[5m]))',
    ),
  ],
]
for (const [what, options, group, name, expected] of exprs) {
  test(`generator: ${what}`, () => {
    assert.equal(rule(generateSloRules(model, options), group, name).expr, expected)
  })
}

test('generator: every SLO records the seven windows and its period, then metadata, then page and ticket alerts', () => {
  const rules = generateSloRules(model, { service: 'identity' })
  assert.deepEqual(
    rules.groups.map((g) => [g.name, g.rules.length]),
    [
      ['lookout-slo-sli-identity-availability', 8],
      ['lookout-slo-meta-identity-availability', 5],
      ['lookout-slo-alerts-identity-availability', 2],
      ['lookout-slo-sli-identity-export', 8],
      ['lookout-slo-meta-identity-export', 5],
      ['lookout-slo-alerts-identity-export', 2],
      ['lookout-slo-sli-identity-latency-p95', 8],
      ['lookout-slo-meta-identity-latency-p95', 5],
      ['lookout-slo-alerts-identity-latency-p95', 2],
    ],
  )
  assert.deepEqual(
    rules.groups[1]!.rules.map((r) => [(r as RecordingRule).record, r.expr]),
    [
      ['slo:objective:ratio', 'vector(0.999)'],
      ['slo:error_budget:ratio', 'vector(0.001)'],
      [
        'slo:current_burn_rate:ratio',
        'slo:sli_error:ratio_rate5m{slo="availability",service="identity"} / 0.001',
      ],
      [
        'slo:period_burn_rate:ratio',
        'slo:sli_error:ratio_rate30d{slo="availability",service="identity"} / 0.001',
      ],
      [
        'slo:period_error_budget_remaining:ratio',
        '1 - slo:sli_error:ratio_rate30d{slo="availability",service="identity"} / 0.001',
      ],
    ],
  )
  const page = rule(rules, 'lookout-slo-alerts-identity-availability', 'SloErrorBudgetBurn', 0)
  assert.equal(
    page.expr,
    '(\n  round(slo:sli_error:ratio_rate1h{slo="availability",service="identity"}, 1e-12) > 0.0144\nand\n  round(slo:sli_error:ratio_rate5m{slo="availability",service="identity"}, 1e-12) > 0.0144\n)\nor\n(\n  round(slo:sli_error:ratio_rate6h{slo="availability",service="identity"}, 1e-12) > 0.006\nand\n  round(slo:sli_error:ratio_rate30m{slo="availability",service="identity"}, 1e-12) > 0.006\n)',
  )
  assert.deepEqual(page.labels, {
    slo: 'availability',
    service: 'identity',
    severity: 'page',
    slo_kind: 'availability',
  })
  assert.equal(rules.warnings.length, 1)
  assert.match(rules.warnings[0]!, /tenant overrides \(acme\) need metrics.tenantLabel/)
})

test('generator: alerts carry runbook and dashboard links with the SLO and tenant substituted', () => {
  const rules = generateSloRules(model, {
    tenantLabel: true,
    runbookUrl: 'https://runbooks.example.com/slo/{slo}',
    dashboardUrl: 'https://grafana.example.com/d/slo?var-tenant={tenant}',
    alertLabels: { team: 'identity' },
  })
  const alerts = rules.groups
    .find((g) => g.name === 'lookout-slo-alerts-availability')!
    .rules.map((r) => r as AlertingRule)
  assert.deepEqual(
    alerts.map((a) => [
      a.labels.severity,
      a.labels.tenant,
      a.labels.team,
      a.annotations.runbook_url,
      a.annotations.dashboard_url,
    ]),
    [
      [
        'page',
        undefined,
        'identity',
        'https://runbooks.example.com/slo/availability',
        'https://grafana.example.com/d/slo?var-tenant={{ $labels.tenant }}',
      ],
      [
        'ticket',
        undefined,
        'identity',
        'https://runbooks.example.com/slo/availability',
        'https://grafana.example.com/d/slo?var-tenant={{ $labels.tenant }}',
      ],
      [
        'page',
        'acme',
        'identity',
        'https://runbooks.example.com/slo/availability',
        'https://grafana.example.com/d/slo?var-tenant=acme',
      ],
      [
        'ticket',
        'acme',
        'identity',
        'https://runbooks.example.com/slo/availability',
        'https://grafana.example.com/d/slo?var-tenant=acme',
      ],
    ],
  )
  assert.match(alerts[2]!.expr, /> 0\.0072\n/)
})

const periodThresholds: [string, string, string[], string[]][] = [
  ['30d', '99.9', ['0.0144', '0.006'], ['0.003', '0.001']],
  ['28d', '99.9', ['0.0144', '0.006'], ['0.003', '0.001']],
  ['7d', '99', ['0.144', '0.06'], ['0.03', '0.01']],
  ['1d', '99.9', ['0.0144', '0.004'], ['0.001']],
]
for (const [period, objective, page, ticket] of periodThresholds) {
  test(`generator: a ${period} period compares with thresholds ${[...page, ...ticket].join(', ')}`, () => {
    const m = buildSloModel({
      slos: [{ name: 'a', kind: 'availability', objective: Number(objective), period }],
    })
    const [pageRule, ticketRule] = generateSloRules(m).groups[2]!.rules as AlertingRule[]
    const thresholds = (expr: string) => [...new Set([...expr.matchAll(/> ([0-9.]+)\n/g)].map((x) => x[1]))]
    assert.deepEqual(thresholds(pageRule!.expr), page)
    assert.deepEqual(thresholds(ticketRule!.expr), ticket)
    const records = generateSloRules(m).groups[0]!.rules.map((r) => (r as RecordingRule).record)
    assert.ok(records.includes(`slo:sli_error:ratio_rate${period}`))
  })
}

test('generator: objectives print as clean decimals (99.999 is vector(0.00001), never float noise)', () => {
  const m = buildSloModel({ slos: [{ name: 'a', kind: 'availability', objective: 99.999 }] })
  const meta = generateSloRules(m).groups[1]!.rules.map((r) => r.expr)
  assert.deepEqual(meta.slice(0, 2), ['vector(0.99999)', 'vector(0.00001)'])
  const text = sloRulesToYaml(generateSloRules(m))
  assert.doesNotMatch(text, /99999\d|0{6,}/)
})

test('generator: frozen buckets without the threshold fail with LOOKOUT_ERR_SLO_BUCKET', () => {
  assert.throws(
    () => generateSloRules(model, { buckets: [0.1, 0.5, 1] }),
    (err: unknown) => err instanceof LookoutError && err.code === 'LOOKOUT_ERR_SLO_BUCKET',
  )
  assert.doesNotThrow(() => generateSloRules(model, { buckets: [0.1, 0.3, 2] }))
})

test('sloRuleOptions reads conventions, effective buckets, tenant label and links from the config', () => {
  const config = resolveConfig(
    {
      service: 'identity',
      metrics: { conventions: 'otel', tenantLabel: true },
      slo: { runbookUrl: 'https://r.example.com/{slo}' },
    },
    {},
  )
  const options = sloRuleOptions(config)
  assert.equal(options.conventions, 'otel')
  assert.equal(options.tenantLabel, true)
  assert.ok(options.buckets!.includes(0.3) && options.buckets!.includes(0.8))
  const yaml = sloRulesToYaml(generateSloRules(loadSloModel(config), options))
  const parsed = parse(yaml) as { groups: { name: string }[] }
  assert.equal(parsed.groups.length, 9)
  assert.ok(!yaml.includes('&a'), 'no YAML anchors')
})
