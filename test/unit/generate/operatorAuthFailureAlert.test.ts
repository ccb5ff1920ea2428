import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generateAll } from '../../../src/generate/generateAll.ts'
import { buildGenerateModel } from '../../../src/generate/generateModel.ts'
import { serviceAlertExpr, serviceAlertSpecs } from '../../../src/generate/serviceAlerts.ts'
import { modelOf } from './model.ts'

const ALERT = 'LookoutOperatorAuthFailureSpike'

test('LookoutOperatorAuthFailureSpike sums missing and wrong operator keys over every route and instance, above 30 in 5m by default', () => {
  const spec = serviceAlertSpecs(modelOf({ lookout: { service: 'identity' } })).find((s) => s.alert === ALERT)
  assert.ok(spec)
  assert.equal(
    serviceAlertExpr(spec),
    'sum(increase(lookout_operator_auth_failures_total{job="identity",reason=~"invalid|missing"}[5m])) > 30',
  )
  assert.equal(spec.severity, 'warning')
  assert.equal(spec.for, '0s')
  assert.match(spec.description, /operator_auth_throttled/)
  assert.match(spec.description, /`operator_auth_failures` line/)
  // The alert does not split by route; its description gives the query that does.
  assert.ok(
    spec.description.includes(
      '`sum by (route, reason) (increase(lookout_operator_auth_failures_total{job="identity",reason=~"invalid|missing"}[5m]))`',
    ),
  )
})

test('alerts.operatorAuthFailures and alerts.window set its threshold and window; the tenant label does not split it', () => {
  const model = modelOf({
    lookout: { service: 'identity', metrics: { tenantLabel: true } },
    generate: { alerts: { operatorAuthFailures: 100, window: '10m' } },
  })
  const spec = serviceAlertSpecs(model).find((s) => s.alert === ALERT)!
  assert.equal(
    serviceAlertExpr(spec),
    'sum(increase(lookout_operator_auth_failures_total{job="identity",reason=~"invalid|missing"}[10m])) > 100',
  )
  assert.equal(spec.summary, 'identity: more than 100 requests with a missing or wrong operator key in 10m')
})

for (const bad of [-1, 2.5]) {
  test(`alerts.operatorAuthFailures ${bad} is refused with its path`, () => {
    const r = buildGenerateModel({
      lookout: { service: 'identity' },
      generate: { alerts: { operatorAuthFailures: bad } },
    })
    assert.ok(!r.ok && r.problems.some((p) => p.path === 'generate.alerts.operatorAuthFailures'))
  })
}

test('no operator key appears in the generated rules', () => {
  const key = 'operator-key-0123456789abcdef0123'
  const rules = generateAll(modelOf({ lookout: { service: 'identity', operator: { keys: [key] } } }))
    .map((f) => f.content)
    .join('\n')
  assert.match(rules, new RegExp(ALERT))
  assert.doesNotMatch(rules, new RegExp(key))
})
