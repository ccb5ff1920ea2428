import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { stringify } from 'yaml'
import type { Conventions } from '../../../src/metrics/conventions.ts'
import { HTTP_METRIC_NAMES } from '../../../src/metrics/conventions.ts'
import { buildSloModel } from '../../../src/slo/buildSloModel.ts'
import { SLO_ALERT_NAME } from '../../../src/slo/conventions.ts'
import {
  type AlertingRule,
  type GenerateSloRulesOptions,
  generateSloRules,
  type SloRules,
} from '../../../src/slo/generateSloRules.ts'
import type { SloModel } from '../../../src/slo/sloModel.ts'
import { sloRulesToYaml } from '../../../src/slo/sloRulesToYaml.ts'
import { requireBinary, run } from '../../support/binaries.ts'

// Synthetic series are per minute; counters are given as promtool expanding notation ('a+bxn' = n+1 values).
type Series = { series: string; values: string }
interface Expected {
  readonly slo: string
  readonly severity: 'page' | 'ticket'
  readonly tenant?: string
}

function labelsText(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`
}

/** Request counters of one (status[, tenant]) under a convention. */
function requests(conv: Conventions, status: string, values: string, tenant?: string): Series {
  const n = HTTP_METRIC_NAMES[conv]
  const labels: Record<string, string> = {
    [n.labels.method]: 'GET',
    [n.labels.route]: '/users/:id',
    [n.labels.status]: status,
  }
  if (tenant !== undefined) labels[n.labels.tenant] = tenant
  return { series: `${n.requestsSeries}${labelsText(labels)}`, values }
}

/** Duration histogram series of one status: count plus the given `le` buckets. */
function histogram(conv: Conventions, status: string, buckets: Record<string, string>): Series[] {
  const n = HTTP_METRIC_NAMES[conv]
  const labels = { [n.labels.method]: 'GET', [n.labels.route]: '/users/:id', [n.labels.status]: status }
  const out: Series[] = Object.entries(buckets).map(([le, values]) => ({
    series: `${n.duration}_bucket${labelsText({ ...labels, le })}`,
    values,
  }))
  out.push({ series: `${n.duration}_count${labelsText(labels)}`, values: buckets['+Inf']! })
  // prometheus conventions count requests in a separate counter; otel counts through the histogram.
  if (n.requests !== undefined)
    out.push({ series: `${n.requests}${labelsText(labels)}`, values: buckets['+Inf']! })
  return out
}

/** The exact alerts promtool must see, with annotations rendered as Prometheus would. */
function expectedAlerts(rules: SloRules, expected: readonly Expected[]) {
  const alerts = rules.groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => 'alert' in r)
  return expected.map((e) => {
    const candidates = alerts.filter((r) => r.labels.slo === e.slo && r.labels.severity === e.severity)
    // The tenant's own override rule when there is one, else the default rule.
    const rule =
      candidates.find((r) => r.labels.tenant !== undefined && r.labels.tenant === e.tenant) ??
      candidates.find((r) => r.labels.tenant === undefined)
    assert.ok(rule, `no ${e.severity} rule for ${e.slo}`)
    const render = (text: string) => text.replaceAll('{{ $labels.tenant }}', e.tenant ?? '')
    const labels: Record<string, string> = { ...rule.labels }
    if (e.tenant !== undefined) labels.tenant = e.tenant
    return {
      exp_labels: labels,
      exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, render(v)])),
    }
  })
}

interface Scenario {
  readonly name: string
  readonly model?: SloModel
  readonly options?: GenerateSloRulesOptions
  readonly series: (conv: Conventions) => Series[]
  readonly checks: readonly { readonly at: string; readonly alerts: readonly Expected[] }[]
  readonly exprs?: readonly {
    readonly at: string
    readonly expr: string
    readonly samples: readonly { labels: string; value: number }[]
  }[]
}

const scenarios: Scenario[] = [
  {
    // 2 h clean, then 2.88 % errors (a 28.8× burn). The 1h window crosses 14.4× when half of it is errors:
    // 30 min after the burn starts. The ticket pairs see it first (their long windows hold < 1 d of data).
    name: 'a fast burn pages about 30 minutes after it starts, not before',
    series: (c) => [
      requests(c, '200', '0+10000x120 1209712+9712x179'),
      requests(c, '500', '0+0x120 288+288x179'),
    ],
    checks: [
      { at: '119m', alerts: [] },
      { at: '145m', alerts: [{ slo: 'availability', severity: 'ticket' }] },
      {
        at: '155m',
        alerts: [
          { slo: 'availability', severity: 'page' },
          { slo: 'availability', severity: 'ticket' },
        ],
      },
    ],
  },
  {
    // 0.12 % errors from the start: a 1.2× burn exceeds the 3d&6h ×1 row only.
    name: 'a slow burn just above 1× opens a ticket and never pages',
    series: (c) => [requests(c, '200', '0+9988x420'), requests(c, '500', '0+12x420')],
    checks: [
      { at: '60m', alerts: [{ slo: 'availability', severity: 'ticket' }] },
      { at: '7h', alerts: [{ slo: 'availability', severity: 'ticket' }] },
    ],
  },
  {
    name: 'zero errors fire nothing and record an error ratio of 0, not "no data"',
    series: (c) => [requests(c, '200', '0+1000x240')],
    checks: [
      { at: '30m', alerts: [] },
      { at: '4h', alerts: [] },
    ],
    exprs: [
      {
        at: '1h',
        expr: 'slo:sli_error:ratio_rate5m{slo="availability"}',
        samples: [{ labels: 'slo:sli_error:ratio_rate5m{service="identity",slo="availability"}', value: 0 }],
      },
      {
        at: '1h',
        expr: 'slo:period_error_budget_remaining:ratio{slo="availability"}',
        samples: [
          {
            labels: 'slo:period_error_budget_remaining:ratio{service="identity",slo="availability"}',
            value: 1,
          },
        ],
      },
    ],
  },
  {
    // Every request takes 0.5 s and succeeds: p95 ≤ 300 ms burns at 20× (pages); p99 ≤ 800 ms and
    // availability stay quiet.
    name: 'slow successful requests fire the p95 latency SLO only',
    series: (c) => histogram(c, '200', { '0.3': '0+0x120', '0.8': '0+1000x120', '+Inf': '0+1000x120' }),
    checks: [
      {
        at: '30m',
        alerts: [
          { slo: 'latency-p95', severity: 'page' },
          { slo: 'latency-p95', severity: 'ticket' },
        ],
      },
    ],
  },
  {
    // Fast 503s: availability pages, the latency SLOs see only fast requests.
    name: 'fast failing requests fire availability and no latency SLO',
    series: (c) => [
      ...histogram(c, '200', { '0.3': '0+900x120', '0.8': '0+900x120', '+Inf': '0+900x120' }),
      ...histogram(c, '503', { '0.3': '0+100x120', '0.8': '0+100x120', '+Inf': '0+100x120' }),
    ],
    checks: [
      {
        at: '30m',
        alerts: [
          { slo: 'availability', severity: 'page' },
          { slo: 'availability', severity: 'ticket' },
        ],
      },
    ],
  },
  {
    // 0.08 % errors for both tenants: 1.6× acme's 0.05 % budget (ticket), 0.8× globex's 0.1 % (nothing).
    name: 'with the tenant label, a tenant override judges that tenant by its own objective',
    model: buildSloModel({ tenants: { acme: [{ name: 'availability', objective: 99.95 }] } }),
    options: { tenantLabel: true },
    series: (c) => [
      requests(c, '200', '0+9992x420', 'acme'),
      requests(c, '500', '0+8x420', 'acme'),
      requests(c, '200', '0+9992x420', 'globex'),
      requests(c, '500', '0+8x420', 'globex'),
    ],
    checks: [{ at: '6h', alerts: [{ slo: 'availability', severity: 'ticket', tenant: 'acme' }] }],
    exprs: [
      {
        at: '6h',
        expr: 'slo:objective:ratio{slo="availability"}',
        samples: [
          { labels: 'slo:objective:ratio{service="identity",slo="availability"}', value: 0.999 },
          {
            labels: 'slo:objective:ratio{service="identity",slo="availability",tenant="acme"}',
            value: 0.9995,
          },
        ],
      },
    ],
  },
]

for (const conventions of ['prometheus', 'otel'] as const) {
  test(`generated ${conventions} rules pass promtool check rules, with and without tenant label`, async (t) => {
    const promtool = requireBinary(t, 'promtool')
    if (!promtool) return
    const dir = mkdtempSync(join(tmpdir(), 'lookout-slo-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const model = buildSloModel({
      slos: [
        { name: 'availability', kind: 'availability', objective: 99.9, errorStatuses: ['5xx', '429'] },
        {
          name: 'latency-p95',
          kind: 'latency',
          objective: 95,
          threshold: '300ms',
          routes: ['/users/:id', '/a.b'],
        },
        {
          name: 'slow-batch',
          kind: 'latency',
          objective: 90,
          threshold: 2,
          methods: ['POST'],
          period: '28d',
        },
      ],
      tenants: {
        acme: [{ name: 'latency-p95', threshold: 0.5 }],
        'b.c': [{ name: 'slow-batch', enabled: false }],
      },
    })
    for (const tenantLabel of [false, true]) {
      const file = join(dir, `rules-${tenantLabel}.yaml`)
      writeFileSync(
        file,
        sloRulesToYaml(
          generateSloRules(model, {
            conventions,
            tenantLabel,
            service: 'identity',
            selector: { job: 'identity' },
            runbookUrl: 'https://runbooks.example.com/{slo}',
            dashboardUrl: 'https://grafana.example.com/d/slo?var-slo={slo}&var-tenant={tenant}',
            interval: '30s',
          }),
        ),
      )
      const out = await run(promtool, ['check', 'rules', file])
      assert.match(out, /SUCCESS: \d+ rules found/)
    }
  })

  test(`promtool test rules: multi-window burn alerts behave as designed under ${conventions} conventions`, async (t) => {
    const promtool = requireBinary(t, 'promtool')
    if (!promtool) return
    const dir = mkdtempSync(join(tmpdir(), 'lookout-slo-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const files: string[] = []
    scenarios.forEach((scenario, i) => {
      const rules = generateSloRules(scenario.model ?? buildSloModel(), {
        conventions,
        service: 'identity',
        ...scenario.options,
      })
      writeFileSync(join(dir, `rules-${i}.yaml`), sloRulesToYaml(rules))
      const testFile = join(dir, `test-${i}.yaml`)
      writeFileSync(
        testFile,
        stringify(
          {
            rule_files: [`rules-${i}.yaml`],
            evaluation_interval: '1m',
            tests: [
              {
                name: scenario.name,
                interval: '1m',
                input_series: scenario.series(conventions),
                alert_rule_test: scenario.checks.map((c) => ({
                  eval_time: c.at,
                  alertname: SLO_ALERT_NAME,
                  exp_alerts: expectedAlerts(rules, c.alerts),
                })),
                promql_expr_test: (scenario.exprs ?? []).map((e) => ({
                  expr: e.expr,
                  eval_time: e.at,
                  exp_samples: e.samples,
                })),
              },
            ],
          },
          { aliasDuplicateObjects: false },
        ),
      )
      files.push(testFile)
    })
    for (const [i, file] of files.entries()) {
      try {
        await run(promtool, ['test', 'rules', file], { cwd: dir })
      } catch (err) {
        assert.fail(`scenario "${scenarios[i]!.name}" failed:\n${(err as Error).message}`)
      }
    }
  })
}
