import assert from 'node:assert/strict'
import { test } from 'node:test'
import { panelsOf } from '../../../src/generate/dashboardSpec.ts'
import { apiOverviewDashboard } from '../../../src/generate/dashboards/apiOverviewDashboard.ts'
import { dashboardUid } from '../../../src/generate/dashboards/dashboardUid.ts'
import { sloDashboards } from '../../../src/generate/dashboards/sloDashboards.ts'
import { allDashboards } from '../../../src/generate/generateAll.ts'
import { queryInventory } from '../../../src/generate/queryInventory.ts'
import { renderDashboard } from '../../../src/generate/renderDashboard.ts'
import { HTTP_METRIC_NAMES } from '../../../src/metrics/conventions.ts'
import { modelOf } from './model.ts'

/** The twelve standard panels, as titles of the API overview. */
const SEED_PANELS = [
  'Request rate',
  'Latency p50 / p95 / p99',
  'In-flight requests',
  'Error rate (5xx)',
  'Health status',
  'Health-check latency',
  'Top routes by traffic',
  'Top routes by errors',
  'Process CPU',
  'Process memory',
  'Event-loop lag',
  'Security events',
  'Alerts fired',
]

for (const conventions of ['prometheus', 'otel'] as const) {
  const model = modelOf({ lookout: { service: 'identity', metrics: { conventions, tenantLabel: true } } })
  const names = HTTP_METRIC_NAMES[conventions]
  const other = HTTP_METRIC_NAMES[conventions === 'otel' ? 'prometheus' : 'otel']

  test(`${conventions}: the API overview has the twelve standard panels`, () => {
    const titles = panelsOf(apiOverviewDashboard(model)).map((p) => p.title)
    for (const t of SEED_PANELS) assert.ok(titles.includes(t), `missing panel ${t}`)
  })

  test(`${conventions}: HTTP panels query this convention's names and labels, never the other's`, () => {
    const exprs = panelsOf(apiOverviewDashboard(model)).flatMap((p) => p.queries.map((q) => q.expr))
    const all = exprs.join('\n')
    assert.match(all, new RegExp(`${names.requestsSeries}\\{`))
    assert.match(all, new RegExp(`${names.duration}_bucket`))
    assert.match(all, new RegExp(`${names.labels.route}=~"\\$route"`))
    assert.doesNotMatch(all, new RegExp(`\\b${other.duration}_`))
    assert.doesNotMatch(all, new RegExp(`\\b${other.inFlight}\\b`))
  })

  test(`${conventions}: every dashboard rate uses $__rate_interval (or $__range in top-N tables)`, () => {
    for (const e of queryInventory(model).filter((x) => x.kind === 'panel' && x.language === 'promql')) {
      for (const m of e.expr.matchAll(/\b(rate|increase)\([^[]*\[([^\]]+)\]/g)) {
        assert.ok(['$__rate_interval', '$__range'].includes(m[2]!), `${e.where}: ${m[0]}`)
      }
    }
  })
}

test('the logs dashboard reads volume, errors, auth failures by reason, lockouts, slow requests and top messages', () => {
  const model = modelOf({ lookout: { service: 'identity' } })
  const titles = panelsOf(allDashboards(model).find((d) => d.uid === dashboardUid('identity', 'logs'))!).map(
    (p) => p.title,
  )
  for (const t of [
    'Log volume by level',
    'Request lines by route',
    'Errors',
    '5xx lines by route',
    'Auth failures by reason',
    'Lockouts',
    'Slow requests (> 1000 ms)',
    'Top messages',
    'Request lines sampled out',
  ])
    assert.ok(titles.includes(t), `missing panel ${t}`)
  assert.ok(titles.length >= 12, `${titles.length} panels`)
})

test('the overview reads auth p95/p99, failures by reason, sessions, token grant types and the authz allow ratio', () => {
  const model = modelOf({ lookout: { service: 'identity' } })
  const panels = panelsOf(apiOverviewDashboard(model))
  const expr = (title: string) => {
    const panel = panels.find((p) => p.title === title)
    assert.ok(panel, `missing panel ${title}`)
    return panel.queries.map((q) => q.expr).join('\n')
  }
  assert.match(
    expr('Auth latency p95 / p99'),
    /histogram_quantile\(0\.95, .*auth_operations_duration_seconds_bucket/,
  )
  assert.match(expr('Auth latency p95 / p99'), /histogram_quantile\(0\.99, /)
  assert.match(expr('Failed logins by reason'), /sum by \(reason\) \(rate\(auth_operations_total\{/)
  assert.match(expr('Active sessions'), /sessions_active\{job="identity"\}/)
  assert.match(expr('Active tokens by type'), /^max by \(token_type\) \(tokens_active\{job="identity"\}\)$/)
  assert.match(expr('Sessions created and ended'), /sum by \(reason\) \(rate\(sessions_destroyed_total/)
  assert.match(expr('Session binding failures by reason'), /session_binding_failures_total/)
  assert.match(
    expr('Token operations by grant type'),
    /sum by \(operation, grant_type, status\) \(rate\(token_operations_total/,
  )
  assert.match(expr('Authorization allow ratio by resource'), /decision="allow"/)
})

test('the infrastructure dashboard shows every process and host gauge per instance, filtered by the instance variable', () => {
  const model = modelOf({ lookout: { service: 'identity' } })
  const spec = allDashboards(model).find((d) => d.uid === dashboardUid('identity', 'infra'))
  assert.ok(spec, 'no infrastructure dashboard')
  assert.deepEqual(
    spec.variables.map((v) => v.name),
    ['datasource', 'instance'],
  )
  const all = panelsOf(spec)
    .flatMap((p) => p.queries.map((q) => q.expr))
    .join('\n')
  for (const metric of [
    'up',
    'process_start_time_seconds',
    'lookout_build_info',
    'process_cpu_seconds_total',
    'process_resident_memory_bytes',
    'nodejs_heap_size_used_bytes',
    'nodejs_heap_size_total_bytes',
    'nodejs_external_memory_bytes',
    'nodejs_eventloop_lag_p99_seconds',
    'nodejs_eventloop_utilization_ratio',
    'nodejs_gc_duration_seconds_sum',
    'nodejs_active_handles_total',
    'process_open_fds',
    'process_max_fds',
    'lookout_host_cpu_utilization_ratio',
    'lookout_host_memory_utilization_ratio',
    'lookout_host_disk_utilization_ratio',
  ])
    assert.match(all, new RegExp(`\\b${metric}\\{job="identity",instance=~"\\$instance"\\}`), metric)
  for (const p of panelsOf(spec)) {
    if (p.type === 'timeseries')
      assert.ok(
        p.queries.every((q) => q.legend?.includes('{{instance}}')),
        p.title,
      )
  }
})

test('every dashboard has a stable uid of at most 40 characters, unique ids and panels inside 24 columns without overlap', () => {
  const model = modelOf({ lookout: { service: 'identity', metrics: { tenantLabel: true } } })
  const again = modelOf({ lookout: { service: 'identity', metrics: { tenantLabel: true } } })
  const uids = allDashboards(model).map((d) => d.uid)
  assert.deepEqual(
    uids,
    allDashboards(again).map((d) => d.uid),
  )
  assert.equal(new Set(uids).size, uids.length)
  for (const spec of allDashboards(model)) {
    assert.ok(spec.uid.length >= 8 && spec.uid.length <= 40, spec.uid)
    const json = renderDashboard(spec, model.settings) as unknown as {
      id: null
      schemaVersion: number
      panels: { id: number; type: string; gridPos: { x: number; y: number; w: number; h: number } }[]
    }
    assert.equal(json.id, null)
    assert.ok(Number.isInteger(json.schemaVersion))
    const ids = json.panels.map((p) => p.id)
    assert.equal(new Set(ids).size, ids.length, `${spec.uid}: duplicate panel ids`)
    const cells = new Set<string>()
    for (const p of json.panels) {
      const g = p.gridPos
      assert.ok(g.x >= 0 && g.x + g.w <= 24, `${spec.uid} panel ${p.id} leaves the grid`)
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          assert.ok(!cells.has(`${x},${y}`), `${spec.uid} panel ${p.id} overlaps another`)
          cells.add(`${x},${y}`)
        }
    }
  }
})

test('panels reference datasources through variables whose default is the provisioned uid', () => {
  const model = modelOf({
    lookout: { service: 'identity' },
    generate: { grafana: { prometheus: { uid: 'prom-main' } } },
  })
  const json = renderDashboard(apiOverviewDashboard(model), model.settings) as unknown as {
    templating: { list: { name: string; type: string; current?: { value: string } }[] }
    panels: {
      type: string
      datasource?: { type: string; uid: string }
      targets?: { refId: string; expr: string }[]
    }[]
  }
  const ds = json.templating.list.find((v) => v.type === 'datasource')!
  assert.equal(ds.current?.value, 'prom-main')
  for (const p of json.panels.filter((x) => x.type !== 'row')) {
    assert.deepEqual(p.datasource, { type: 'prometheus', uid: '$'.concat('{datasource}') })
    for (const t of p.targets ?? []) assert.match(t.refId, /^[A-Z]$/)
  }
})

test('without metrics.tenantLabel there is no tenant variable and no tenant matcher', () => {
  const model = modelOf({ lookout: { service: 'identity' } })
  const spec = apiOverviewDashboard(model)
  assert.deepEqual(
    spec.variables.map((v) => v.name),
    ['datasource', 'route'],
  )
  assert.doesNotMatch(JSON.stringify(spec), /tenant=~/)
})

test('an SLO overridden for a tenant divides each variant by its own budget in the burn-rate panel', () => {
  const model = modelOf({
    lookout: {
      service: 'identity',
      metrics: { tenantLabel: true },
      slo: { tenants: { acme: [{ name: 'availability', objective: 99.5 }] } },
    },
  })
  const availability = sloDashboards(model).find((d) => d.uid.endsWith('availability'))!
  const burn = panelsOf(availability).find((p) => p.title === 'Burn rate by window')!
  assert.equal(
    burn.queries[0]!.expr,
    '(slo:sli_error:ratio_rate5m{slo="availability",service="identity",tenant=~"$tenant",tenant!="acme"} / 0.001)\n' +
      'or\n' +
      '(slo:sli_error:ratio_rate5m{slo="availability",service="identity",tenant=~"$tenant",tenant="acme"} / 0.005)',
  )
})

test('long service names get a hashed uid that stays unique and within 40 characters', () => {
  const a = dashboardUid('a-very-long-service-name-for-the-identity-platform', 'slo-latency-p95')
  const b = dashboardUid('a-very-long-service-name-for-the-identity-platform', 'slo-latency-p99')
  assert.ok(a.length <= 40 && b.length <= 40)
  assert.notEqual(a, b)
  assert.equal(dashboardUid('identity', 'api'), 'lk-identity-api')
})
