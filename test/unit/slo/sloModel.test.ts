import assert from 'node:assert/strict'
import { test } from 'node:test'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import { LookoutError } from '../../../src/errors.ts'
import { buildSloModel, resolveTenantSlos } from '../../../src/slo/buildSloModel.ts'
import { effectiveBuckets, mergeSloBuckets } from '../../../src/slo/effectiveBuckets.ts'
import { loadSloModel } from '../../../src/slo/loadSloModel.ts'
import { sloForTenant } from '../../../src/slo/sloModel.ts'

const fixture = (name: string) => new URL(`../../fixtures/slo/${name}`, import.meta.url).pathname

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return err instanceof LookoutError ? err.code : 'not a LookoutError'
  }
  return undefined
}

test('the defaults are 99.9 % availability, p95 ≤ 300 ms and p99 ≤ 800 ms over 30 days', () => {
  const model = buildSloModel()
  assert.deepEqual(
    model.defaults.map((s) => [
      s.name,
      s.kind,
      s.objective,
      s.budget,
      s.thresholdSeconds,
      s.period,
      s.periodSeconds,
    ]),
    [
      ['availability', 'availability', 0.999, 0.001, undefined, '30d', 2_592_000],
      ['latency-p95', 'latency', 0.95, 0.05, 0.3, '30d', 2_592_000],
      ['latency-p99', 'latency', 0.99, 0.01, 0.8, '30d', 2_592_000],
    ],
  )
  assert.deepEqual(model.defaults[0]!.errorStatuses, ['5xx'])
  assert.ok(Object.isFrozen(model) && Object.isFrozen(model.defaults[0]))
})

test('a tenant override is merged by name onto the default and leaves other tenants on the defaults', () => {
  const model = buildSloModel({
    tenants: {
      acme: [
        { name: 'availability', objective: 99.95, errorStatuses: ['5xx', '429'] },
        { name: 'latency-p99', enabled: false },
        { name: 'login', kind: 'latency', objective: 90, threshold: 1.5, routes: ['/login'], period: '4w' },
      ],
    },
  })
  const acme = sloForTenant(model, 'acme')
  assert.deepEqual(
    acme.map((s) => s.name),
    ['availability', 'latency-p95', 'login'],
  )
  assert.equal(acme[0]!.objective, 0.9995)
  assert.equal(acme[0]!.budget, 0.0005)
  assert.deepEqual(acme[0]!.errorStatuses, ['429', '5xx'])
  assert.equal(acme[2]!.period, '28d')
  assert.equal(acme[2]!.thresholdSeconds, 1.5)
  assert.equal(sloForTenant(model, 'globex'), model.defaults)
})

const invalid: [string, Parameters<typeof buildSloModel>[0], string][] = [
  [
    'an objective written as a ratio',
    { slos: [{ name: 'a', kind: 'availability', objective: 0.999 }] },
    'objective',
  ],
  ['an objective of 100', { slos: [{ name: 'a', kind: 'availability', objective: 100 }] }, 'objective'],
  [
    'an objective with more than 6 decimals (99.9999999999999 would leave a zero budget)',
    { slos: [{ name: 'a', kind: 'availability', objective: 99.9999999999999 }] },
    'objective',
  ],
  [
    'an objective with 7 decimals',
    { slos: [{ name: 'a', kind: 'availability', objective: 99.1234567 }] },
    'objective',
  ],
  ['a latency SLO without threshold', { slos: [{ name: 'a', kind: 'latency', objective: 95 }] }, 'threshold'],
  [
    'an availability SLO with a threshold',
    { slos: [{ name: 'a', kind: 'availability', objective: 99, threshold: 1 }] },
    'threshold',
  ],
  ['a new SLO without kind', { slos: [{ name: 'a', objective: 99 }] }, 'kind'],
  [
    'a period under a day',
    { slos: [{ name: 'a', kind: 'availability', objective: 99, period: '6h' }] },
    'period',
  ],
  [
    'an unknown method',
    { slos: [{ name: 'a', kind: 'availability', objective: 99, methods: ['FETCH'] }] },
    'methods',
  ],
  [
    'an error status that is not a class or code',
    { slos: [{ name: 'a', kind: 'availability', objective: 99, errorStatuses: ['5**'] }] },
    'errorStatuses',
  ],
  ['a name with capitals', { slos: [{ name: 'Avail', kind: 'availability', objective: 99 }] }, 'name'],
  [
    'the same name twice',
    {
      slos: [
        { name: 'a', kind: 'availability', objective: 99 },
        { name: 'a', kind: 'availability', objective: 98 },
      ],
    },
    'name',
  ],
  [
    'a threshold that is not a duration',
    { slos: [{ name: 'a', kind: 'latency', objective: 99, threshold: 'fast' }] },
    'threshold',
  ],
  [
    'an override changing the kind',
    { tenants: { acme: [{ name: 'availability', kind: 'latency', threshold: 1 }] } },
    'kind',
  ],
  ['a malformed tenant id', { tenants: { 'a b': [] } }, 'tenant'],
]
for (const [what, document, field] of invalid) {
  test(`${what} is refused with LOOKOUT_ERR_SLO_INVALID naming the field`, () => {
    try {
      buildSloModel(document)
      assert.fail('expected an error')
    } catch (err) {
      assert.ok(err instanceof LookoutError)
      assert.equal(err.code, 'LOOKOUT_ERR_SLO_INVALID')
      const problems = err.details?.problems as { field: string }[]
      assert.ok(
        problems.some((p) => p.field === field),
        JSON.stringify(problems),
      )
    }
  })
}

test('resolveTenantSlos validates an API override against the model defaults', () => {
  const model = buildSloModel()
  const list = resolveTenantSlos(model, 'acme', [{ name: 'latency-p95', threshold: '500ms' }])
  assert.equal(list.find((s) => s.name === 'latency-p95')!.thresholdSeconds, 0.5)
  assert.equal(
    codeOf(() => resolveTenantSlos(model, 'acme', [{ name: 'x', objective: 99 }])),
    'LOOKOUT_ERR_SLO_INVALID',
  )
})

test('the YAML file provides defaults and tenants, and code objectives win over it', () => {
  const fromFile = loadSloModel(resolveConfig({ slo: { file: fixture('slos.yaml') } }, {}))
  assert.deepEqual(
    fromFile.defaults.map((s) => s.name),
    ['availability', 'checkout-latency'],
  )
  assert.deepEqual(fromFile.defaults[1]!.methods, ['POST'])
  assert.equal(sloForTenant(fromFile, 'acme')[0]!.objective, 0.9995)
  const fromEnv = loadSloModel(resolveConfig({}, { LOOKOUT_SLO_FILE: fixture('slos.yaml') }))
  assert.equal(fromEnv.defaults[0]!.objective, 0.995)
  const codeWins = loadSloModel(
    resolveConfig(
      {
        slo: {
          file: fixture('slos.yaml'),
          objectives: [{ name: 'availability', kind: 'availability', objective: 99 }],
        },
      },
      {},
    ),
  )
  assert.deepEqual(
    codeWins.defaults.map((s) => [s.name, s.objective]),
    [['availability', 0.99]],
  )
  assert.equal(sloForTenant(codeWins, 'acme')[0]!.objective, 0.9995)
})

test('a missing or misspelt SLO file fails with LOOKOUT_ERR_SLO_FILE', () => {
  assert.equal(
    codeOf(() => loadSloModel(resolveConfig({ slo: { file: fixture('nope.yaml') } }, {}))),
    'LOOKOUT_ERR_SLO_FILE',
  )
  assert.equal(
    codeOf(() => loadSloModel(resolveConfig({ slo: { file: fixture('typo.yaml') } }, {}))),
    'LOOKOUT_ERR_SLO_FILE',
  )
})

test('latency thresholds become histogram boundaries unless the buckets are frozen', () => {
  assert.deepEqual(
    effectiveBuckets(resolveConfig({}, {})),
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 0.8, 1, 2.5, 5, 10],
  )
  assert.deepEqual(
    effectiveBuckets(resolveConfig({ metrics: { buckets: [0.1, 0.3, 0.8, 2] } }, {})),
    [0.1, 0.3, 0.8, 2],
  )
  assert.deepEqual(
    effectiveBuckets(resolveConfig({ metrics: { buckets: [0.1, 1] } }, {})),
    [0.1, 0.3, 0.8, 1],
  )
  assert.equal(
    codeOf(() =>
      effectiveBuckets(resolveConfig({ metrics: { buckets: [0.1, 1], freezeBuckets: true } }, {})),
    ),
    'LOOKOUT_ERR_SLO_BUCKET',
  )
  assert.deepEqual(
    effectiveBuckets(resolveConfig({ slo: { enabled: false }, metrics: { buckets: [0.1, 1] } }, {})),
    [0.1, 1],
  )
  assert.deepEqual(mergeSloBuckets([0.1, 0.5], [0.3, 0.5], false), [0.1, 0.3, 0.5])
})

const budgets: [number, number, number][] = [
  [99.9, 1_000_000, 0.001],
  [99.999, 10_000, 0.00001],
  [99.999999, 10, 1e-8],
  [95, 50_000_000, 0.05],
  [33.333333, 666_666_670, 0.66666667],
]
for (const [objective, ppb, budget] of budgets) {
  test(`objective ${objective} has a budget of exactly ${ppb} parts per billion (${budget})`, () => {
    const slo = buildSloModel({ slos: [{ name: 'a', kind: 'availability', objective }] }).defaults[0]!
    assert.equal(slo.budgetPpb, ppb)
    assert.equal(slo.budget, budget)
    assert.equal(slo.objectivePercent, objective)
  })
}
