import assert from 'node:assert/strict'
import { test } from 'node:test'
import { serviceAlertExpr, serviceAlertSpecs } from '../../../src/generate/serviceAlerts.ts'
import { modelOf } from './model.ts'

test('no p99 latency alert unless its threshold is configured; the p95 one is always there', () => {
  const alerts = serviceAlertSpecs(modelOf({ lookout: { service: 'identity' } })).map((a) => a.alert)
  assert.ok(alerts.includes('LookoutHighLatency'))
  assert.ok(!alerts.includes('LookoutHighLatencyP99'))
})

test('alerts.latencyP99Seconds adds LookoutHighLatencyP99 on the 0.99 quantile of the request histogram', () => {
  const model = modelOf({
    lookout: { service: 'identity' },
    generate: { alerts: { latencyP99Seconds: 2.5 } },
  })
  const p99 = serviceAlertSpecs(model).find((a) => a.alert === 'LookoutHighLatencyP99')
  assert.ok(p99)
  assert.equal(
    serviceAlertExpr(p99),
    'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="identity"}[5m]))) > 2.5',
  )
  assert.equal(p99.severity, 'warning')
})
