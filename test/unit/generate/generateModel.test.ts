import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { buildGenerateModel } from '../../../src/generate/generateModel.ts'

const invalid: [string, unknown, string][] = [
  ['a project that is not an object', 42, '(root)'],
  ['an unknown top-level key', { lookout: {}, dashboards: {} }, 'dashboards'],
  [
    'an unknown metric convention',
    { lookout: { metrics: { conventions: 'statsd' } } },
    'lookout.metrics.conventions',
  ],
  ['an unknown Lookout option', { lookout: { metricz: {} } }, 'lookout'],
  ['a scrape target without a port', { generate: { app: { targets: ['app'] } } }, 'generate.app.targets.0'],
  ['an unknown generate setting', { generate: { prometheus: { scrape: '1s' } } }, 'generate.prometheus'],
  ['a malformed duration', { generate: { alerts: { for: 'five minutes' } } }, 'generate.alerts.for'],
  [
    'an SLO objective given as a ratio',
    { lookout: { slo: { objectives: [{ name: 'availability', kind: 'availability', objective: 0.999 }] } } },
    'lookout.slo.objectives[availability].objective',
  ],
  [
    "a tenant override's latency threshold that is not a bucket of frozen buckets",
    {
      lookout: {
        metrics: { buckets: [0.1, 0.5, 1], freezeBuckets: true },
        slo: { objectives: [{ name: 'p95', kind: 'latency', objective: 95, threshold: '300ms' }] },
      },
    },
    'lookout.metrics.buckets',
  ],
]

for (const [what, project, path] of invalid) {
  test(`${what} is reported at ${path}`, () => {
    const r = buildGenerateModel(project)
    assert.equal(r.ok, false)
    assert.ok(!r.ok && r.problems.some((p) => p.path === path), JSON.stringify(!r.ok && r.problems))
  })
}

test('every problem of a config is reported at once, not only the first', () => {
  const r = buildGenerateModel({
    lookout: { metrics: { conventions: 'statsd' } },
    generate: { app: { replicas: 0 }, grafana: { refresh: '' } },
  })
  assert.ok(!r.ok)
  assert.deepEqual(r.problems.map((p) => p.path).sort(), [
    'generate.app.replicas',
    'generate.grafana.refresh',
    'lookout.metrics.conventions',
  ])
})

test('a valid config yields a frozen model with defaults, the job named after the service, and no environment read', () => {
  const before = process.env.LOOKOUT_SERVICE_NAME
  process.env.LOOKOUT_SERVICE_NAME = 'from-env'
  try {
    const r = buildGenerateModel({ lookout: { service: 'identity' } })
    assert.ok(r.ok)
    assert.equal(r.model.config.service, 'identity')
    assert.equal(r.model.job, 'identity')
    assert.equal(r.model.names.requestsSeries, 'http_requests_total')
    assert.deepEqual(r.model.settings.app.targets, ['app:8000'])
    assert.equal(r.model.slos.defaults.length, 3)
    assert.ok(r.model.buckets.includes(0.3) && r.model.buckets.includes(0.8))
    assert.ok(Object.isFrozen(r.model))
    const defaults = buildGenerateModel({})
    assert.ok(defaults.ok && defaults.model.config.service === 'app', 'LOOKOUT_SERVICE_NAME must not leak in')
  } finally {
    if (before === undefined) delete process.env.LOOKOUT_SERVICE_NAME
    else process.env.LOOKOUT_SERVICE_NAME = before
  }
})

test('a relative slo.file is read relative to the config file, and its problems carry the SLO path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-gen-'))
  writeFileSync(
    join(dir, 'slos.yaml'),
    'slos:\n  - { name: availability, kind: availability, objective: 99.5 }\n',
  )
  const ok = buildGenerateModel({ lookout: { slo: { file: 'slos.yaml' } } }, { baseDir: dir })
  assert.ok(ok.ok)
  assert.equal(ok.model.slos.defaults[0]!.objective, 0.995)
  const missing = buildGenerateModel({ lookout: { slo: { file: 'nope.yaml' } } }, { baseDir: dir })
  assert.ok(!missing.ok && missing.problems[0]!.path === 'lookout.slo.file')
})

test('tenant overrides without metrics.tenantLabel are a warning, not an error', () => {
  const r = buildGenerateModel({
    lookout: { slo: { tenants: { acme: [{ name: 'availability', objective: 99.95 }] } } },
  })
  assert.ok(r.ok)
  assert.match(r.model.warnings.join('\n'), /tenantLabel/)
})
