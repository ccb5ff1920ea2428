import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LOG_FIELDS } from '../../../src/generate/logFields.ts'
import { queryInventory } from '../../../src/generate/queryInventory.ts'
import { LOKI_BASE_LABELS } from '../../../src/logging/conventions.ts'
import { evaluateLogql, fieldsRead, type LogEntry, parseLogql } from '../../support/logql.ts'
import { modelOf } from './model.ts'

const MODELS = [
  modelOf({ lookout: { service: 'identity', metrics: { tenantLabel: true } } }),
  modelOf({
    lookout: { service: 'billing-api', metrics: { conventions: 'otel' } },
    generate: { alerts: { latencyP95Seconds: 0.25 } },
  }),
]

test('every generated LogQL query parses under the strict LogQL checker', () => {
  for (const model of MODELS) {
    const logql = queryInventory(model).filter((e) => e.language === 'logql')
    assert.ok(logql.length >= 15, `only ${logql.length} LogQL queries`)
    for (const e of logql) assert.doesNotThrow(() => parseLogql(e.expr), `${e.where}: ${e.expr}`)
  }
})

test('generated LogQL reads only the stream labels and fields Lookout writes', () => {
  const known = new Set<string>([...LOKI_BASE_LABELS, ...Object.values(LOG_FIELDS)])
  for (const model of MODELS) {
    for (const e of queryInventory(model).filter((x) => x.language === 'logql')) {
      for (const field of fieldsRead(parseLogql(e.expr)))
        assert.ok(known.has(field), `${e.where} reads ${field}`)
    }
  }
})

const REJECTED: readonly [string, string][] = [
  ['{service="a"', 'an unclosed selector'],
  ['{}', 'an empty selector'],
  ['{service=""}', 'a selector that matches every stream'],
  ['{service=~".*"}', 'a regex selector that matches empty'],
  ['{service="a"} | json | status >= "500"', 'a numeric comparison with a string'],
  ['{service="a"} | json | route=/x', 'an unquoted string'],
  ['{service="a"} | json | route=~"(unclosed"', 'an invalid regex'],
  ['{service="a"} |~ "[a-"', 'an invalid line-filter regex'],
  ['count_over_time({service="a"})', 'a range aggregation without a range'],
  ['count_over_time({service="a"} [5 minutes])', 'a malformed range'],
  ['count_over_time({service="a"} | json | unwrap duration_ms [1m])', 'unwrap in count_over_time'],
  ['sum_over_time({service="a"} | json [1m])', 'an unwrapped aggregation without unwrap'],
  ['quantile_over_time({service="a"} | json | unwrap d [1m])', 'quantile_over_time without its parameter'],
  ['topk(sum(count_over_time({service="a"} [1m])))', 'topk without k'],
  ['sum by (a) (count_over_time({service="a"} [1m])) by (b)', 'two groupings'],
  ['count_over_time({service="a"} [1m]) by (level)', 'a grouping on a log-range aggregation'],
  ['sum by level (count_over_time({service="a"} [1m]))', 'a grouping without parentheses'],
  ['histogram_quantile(0.9, count_over_time({service="a"} [1m]))', 'a PromQL-only function'],
  ['{service="a"} | json | status >= 500 extra', 'trailing text'],
  ['{service="a"} | jsn', 'an unknown stage'],
  ['{service="a"} | json | a="\\q"', 'a bad escape'],
]

for (const [query, what] of REJECTED) {
  test(`the checker rejects ${what}: ${query}`, () => {
    assert.throws(() => parseLogql(query))
  })
}

const entry = (line: Record<string, unknown>): LogEntry => ({
  labels: { service: 'a', environment: 'test', level: String(line.level) },
  line: JSON.stringify(line),
})
const ENTRIES = [
  entry({
    level: 'info',
    msg: 'request completed',
    event: 'request',
    route: '/a',
    status: 200,
    duration_ms: 12.5,
  }),
  entry({
    level: 'error',
    msg: 'request failed',
    event: 'request',
    route: '/b',
    status: 502,
    duration_ms: 1500,
  }),
  entry({
    level: 'info',
    msg: 'auth login failure',
    event_type: 'auth',
    status: 'failure',
    reason: 'unknown_user',
  }),
]

test('the evaluator follows Loki: a numeric filter on a non-numeric field fails a metric query unless filtered first', () => {
  assert.throws(
    () =>
      evaluateLogql(parseLogql('sum(count_over_time({service="a"} | json | status >= 500 [1m]))'), ENTRIES),
    /pipeline error: LabelFilterErr/,
  )
  const ok = evaluateLogql(
    parseLogql(
      'sum by (route) (count_over_time({service="a"} | json | event="request" | status >= 500 [1m]))',
    ),
    ENTRIES,
  )
  assert.deepEqual(ok.results, [{ route: '/b' }])
  // `and` evaluates both sides, as Loki does: the string field still fails the numeric side.
  assert.throws(
    () =>
      evaluateLogql(
        parseLogql('count_over_time({service="a"} | json | event_type="auth" and status > 1 [1m])'),
        ENTRIES,
      ),
    /pipeline error/,
  )
})

test('the evaluator groups, reports groupings no line carries, and reads the extracted level under its suffix', () => {
  const byReason = evaluateLogql(
    parseLogql('sum by (reason) (count_over_time({service="a"} | json | event_type="auth" [1m]))'),
    ENTRIES,
  )
  assert.deepEqual(byReason.results, [{ reason: 'unknown_user' }])
  const missing = evaluateLogql(
    parseLogql('sum by (grant_type) (count_over_time({service="a"} | json | event_type="auth" [1m]))'),
    ENTRIES,
  )
  assert.deepEqual(missing.emptyGroupings, ['grant_type'])
  const p95 = evaluateLogql(
    parseLogql(
      'quantile_over_time(0.95, {service="a"} | json | event="request" | unwrap duration_ms | __error__="" [1m]) by (route)',
    ),
    ENTRIES,
  )
  assert.equal(p95.results.length, 2)
  const lines = evaluateLogql(
    parseLogql('{service="a", level="error"} | json | level_extracted="error"'),
    ENTRIES,
  )
  assert.equal(lines.results.length, 1)
})
