import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createMetricRegistry } from '../../../src/metrics/metricRegistry.ts'
import { createTenantAdmission } from '../../../src/metrics/tenantAdmission.ts'

describe('the cardinality budget', () => {
  test('label sets beyond the budget fold into __overflow__ and are counted per metric', async () => {
    const r = createMetricRegistry({ maxSeriesPerMetric: 3 })
    const c = r.counter({ name: 'hits_total', help: 'x', labelNames: ['k'] })
    for (let i = 0; i < 10; i++) c.labels(`v${i}`).inc()
    assert.equal(c.size, 3)
    const text = await r.expose()
    assert.match(text, /hits_total\{k="__overflow__"\} 7/)
    assert.match(text, /lookout_cardinality_overflow_total\{metric="hits_total"\} 7/)
  })

  test('an admitted label set keeps its own series after the budget is full', async () => {
    const r = createMetricRegistry({ maxSeriesPerMetric: 1 })
    const c = r.counter({ name: 'a_total', help: 'x', labelNames: ['k'] })
    c.labels('first').inc()
    c.labels('second').inc()
    c.labels('first').inc()
    assert.match(await r.expose(), /a_total\{k="first"\} 2/)
  })

  test('the same values always return the same child (hot paths can bind once)', () => {
    const r = createMetricRegistry()
    const h = r.histogram({ name: 'h_seconds', help: 'x', labelNames: ['a', 'b'], buckets: [1] })
    assert.equal(h.labels('x', 'y'), h.labels('x', 'y'))
    assert.notEqual(h.labels('x', 'y'), h.labels('x', 'z'))
  })

  const forbidden = [
    'user_id',
    'userId',
    'request_id',
    'session_id',
    'email',
    'path',
    'trace_id',
    'client_ip',
  ]
  for (const label of forbidden) {
    test(`"${label}" is refused as a label name at registration`, () => {
      assert.throws(
        () => createMetricRegistry().counter({ name: 'x_total', help: 'x', labelNames: [label] }),
        {
          code: 'LOOKOUT_ERR_LABEL_FORBIDDEN',
        },
      )
    })
  }

  test('wrong arity and non-string values never throw at runtime', async () => {
    const r = createMetricRegistry()
    const c = r.counter({ name: 'arity_total', help: 'x', labelNames: ['a', 'b'] })
    assert.doesNotThrow(() => (c.labels as (...v: unknown[]) => { inc(): void })('only-one').inc())
    assert.doesNotThrow(() => (c.labels as (...v: unknown[]) => { inc(): void })(1, null, 'extra').inc())
    assert.match(await r.expose(), /arity_total\{a="only-one",b=""\} 1/)
  })
})

describe('tenant admission', () => {
  test('the first N tenants are admitted and the rest are other', () => {
    const admit = createTenantAdmission(2)
    assert.deepEqual(['a', 'b', 'c', 'a', 'd'].map(admit), ['a', 'b', 'other', 'a', 'other'])
  })
  test('a missing tenant is none and a malformed one is other', () => {
    const admit = createTenantAdmission(10)
    assert.equal(admit(undefined), 'none')
    assert.equal(admit('x'.repeat(100)), 'other')
    assert.equal(admit('bad tenant"'), 'other')
  })
})
