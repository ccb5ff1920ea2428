import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { QueryLanguage } from '../../../src/generate/dashboardSpec.ts'
import { queryReads } from '../../../src/generate/queryReads.ts'

const CASES: readonly [string, QueryLanguage, string[], string[]][] = [
  [
    'sum by (route) (rate(http_requests_total{job="a",status=~"5.."}[5m]))',
    'promql',
    ['http_requests_total'],
    ['job', 'route', 'status'],
  ],
  [
    'histogram_quantile(0.99, sum by (le, operation) (rate(auth_operations_duration_seconds_bucket{job="a"}[1m])))',
    'promql',
    ['auth_operations_duration_seconds_bucket'],
    ['job', 'le', 'operation'],
  ],
  ['(x_total{job="a"} or on() vector(0)) / y_total{job="a"}', 'promql', ['x_total', 'y_total'], ['job']],
  [
    'sum by (reason) (count_over_time({service="a"} | json | event_type="auth" | status!="x=y" [1m]))',
    'logql',
    [],
    ['event_type', 'reason', 'service', 'status'],
  ],
  [
    'quantile_over_time(0.95, {service="a"} | json | unwrap duration_ms | __error__="" [1m]) by (route)',
    'logql',
    [],
    ['duration_ms', 'route', 'service'],
  ],
  [
    '{ resource.service.name = "a" && span.http.status_code >= 500 }',
    'traceql',
    [],
    ['resource.service.name', 'span.http.status_code'],
  ],
]

for (const [expr, language, metrics, labels] of CASES) {
  test(`queryReads names the series and labels of ${expr}`, () => {
    assert.deepEqual(queryReads(expr, language), { metrics, labels })
  })
}
