import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createMetricRegistry } from '../../../src/metrics/metricRegistry.ts'
import { negotiateFormat } from '../../../src/metrics/metricsRoute.ts'

describe('the exposition writer', () => {
  test('a counter is written in Prometheus text 0.0.4 with HELP and TYPE', async () => {
    const r = createMetricRegistry()
    r.counter({ name: 'jobs_total', help: 'Jobs run', labelNames: ['status'] })
      .labels('ok')
      .inc(3)
    const text = await r.expose('prometheus')
    assert.match(text, /# HELP jobs_total Jobs run\n# TYPE jobs_total counter\njobs_total\{status="ok"\} 3\n/)
    assert.ok(!text.includes('# EOF'))
    assert.ok(text.endsWith('\n'))
  })

  test('OpenMetrics names the counter family without _total and ends with # EOF', async () => {
    const r = createMetricRegistry()
    r.counter({ name: 'jobs_total', help: 'Jobs run', labelNames: ['status'] })
      .labels('ok')
      .inc()
    const text = await r.expose('openmetrics')
    assert.match(text, /# TYPE jobs counter\njobs_total\{status="ok"\} 1\n/)
    assert.ok(text.endsWith('# EOF\n'))
  })

  test('histogram buckets are cumulative and end with +Inf, sum and count', async () => {
    const r = createMetricRegistry()
    const h = r.histogram({
      name: 'lat_seconds',
      help: 'Latency',
      labelNames: ['op'],
      buckets: [0.1, 0.5, 1],
    })
    const child = h.labels('read')
    for (const v of [0.05, 0.1, 0.3, 0.7, 2]) child.observe(v)
    const text = await r.expose('prometheus')
    const lines = text.split('\n').filter((l) => l.startsWith('lat_seconds'))
    assert.deepEqual(lines, [
      'lat_seconds_bucket{op="read",le="0.1"} 2',
      'lat_seconds_bucket{op="read",le="0.5"} 3',
      'lat_seconds_bucket{op="read",le="1"} 4',
      'lat_seconds_bucket{op="read",le="+Inf"} 5',
      'lat_seconds_sum{op="read"} 3.15',
      'lat_seconds_count{op="read"} 5',
    ])
  })

  test('a series re-rendered after new observations shows them, in either format, despite the render cache', async () => {
    const r = createMetricRegistry()
    const child = r.histogram({ name: 'rc_seconds', help: 'x', buckets: [1] }).labels()
    child.observe(0.5)
    assert.match(await r.expose('prometheus'), /rc_seconds_count 1\n/)
    assert.match(await r.expose('prometheus'), /rc_seconds_count 1\n/)
    child.observeWithExemplar(2, '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7')
    const om = await r.expose('openmetrics')
    assert.match(om, /rc_seconds_count 2\n/)
    assert.match(om, /le="\+Inf"\} 2 # \{trace_id=/)
    const text = await r.expose('prometheus')
    assert.match(text, /rc_seconds_bucket\{le="\+Inf"\} 2\n/)
    assert.ok(!text.includes('trace_id'))
  })

  test('a counter or histogram series born after its family was scraped is written empty once, so rate() counts its first events', async () => {
    const r = createMetricRegistry()
    const outcomes = r.counter({
      name: 'session_binding_failures_total',
      help: 'Failures',
      labelNames: ['reason'],
    })
    const lat = r.histogram({ name: 'op_seconds', help: 'Latency', labelNames: ['op'], buckets: [1] })
    outcomes.labels('expired').inc()
    lat.labels('read').observe(0.5)
    const lines = (text: string) => text.split('\n').filter((l) => /^(session|op_seconds_count)/.test(l))
    // Present at the first scrape: written as they are.
    assert.deepEqual(lines(await r.expose('prometheus')), [
      'session_binding_failures_total{reason="expired"} 1',
      'op_seconds_count{op="read"} 1',
    ])
    outcomes.labels('wrong_tenant').inc()
    lat.labels('write').observe(0.5)
    assert.deepEqual(lines(await r.expose('prometheus')), [
      'session_binding_failures_total{reason="expired"} 1',
      'session_binding_failures_total{reason="wrong_tenant"} 0',
      'op_seconds_count{op="read"} 1',
      'op_seconds_count{op="write"} 0',
    ])
    assert.deepEqual(lines(await r.expose('prometheus')), [
      'session_binding_failures_total{reason="expired"} 1',
      'session_binding_failures_total{reason="wrong_tenant"} 1',
      'op_seconds_count{op="read"} 1',
      'op_seconds_count{op="write"} 1',
    ])
  })

  test('non-finite observations are ignored rather than corrupting the sum', async () => {
    const r = createMetricRegistry()
    const child = r.histogram({ name: 'x_seconds', help: 'x', buckets: [1] }).labels()
    child.observe(Number.NaN)
    child.observe(Number.POSITIVE_INFINITY)
    child.observe(0.5)
    assert.equal(child.count, 1)
    assert.equal(child.sum, 0.5)
  })

  test('exemplars appear only in OpenMetrics, on the bucket of the observation', async () => {
    const r = createMetricRegistry()
    const child = r.histogram({ name: 'req_seconds', help: 'x', buckets: [0.1, 1] }).labels()
    child.observeWithExemplar(0.25, '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7')
    const om = await r.expose('openmetrics')
    assert.match(
      om,
      /req_seconds_bucket\{le="1"\} 1 # \{trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"\} 0\.25 \d+\.\d{3}\n/,
    )
    assert.ok(!om.includes('le="0.1"} 0 #'))
    const text = await r.expose('prometheus')
    assert.ok(!text.includes('trace_id'))
  })

  test('label values are escaped: backslash, quote and newline', async () => {
    const r = createMetricRegistry()
    r.counter({ name: 'odd_total', help: 'a "help"\nline', labelNames: ['v'] })
      .labels('a\\b"c\nd')
      .inc()
    const text = await r.expose('prometheus')
    assert.ok(text.includes('odd_total{v="a\\\\b\\"c\\nd"} 1'))
    assert.ok(text.includes('# HELP odd_total a "help"\\nline'))
  })

  test('prom-client metrics in the attached registry are included in both formats', async () => {
    const r = createMetricRegistry()
    const { Counter } = await import('prom-client')
    new Counter({ name: 'legacy_things_total', help: 'from prom-client', registers: [r.promRegistry] }).inc(2)
    assert.match(await r.expose('prometheus'), /legacy_things_total 2\n/)
    const om = await r.expose('openmetrics')
    assert.match(om, /# TYPE legacy_things counter\nlegacy_things_total 2\n/)
  })

  test('a failing collector does not fail the scrape', async () => {
    const r = createMetricRegistry()
    r.gauge({ name: 'g', help: 'g' }).labels().set(1)
    r.addCollector(() => {
      throw new Error('boom')
    })
    assert.match(await r.expose(), /^g 1$/m)
  })

  test('registering the same metric twice returns the same family; a different shape is a coded error', () => {
    const r = createMetricRegistry()
    const a = r.counter({ name: 'a_total', help: 'a', labelNames: ['x'] })
    assert.equal(r.counter({ name: 'a_total', help: 'a', labelNames: ['x'] }), a)
    assert.throws(() => r.counter({ name: 'a_total', help: 'a', labelNames: ['y'] }), {
      code: 'LOOKOUT_ERR_METRIC_CONFLICT',
    })
    assert.throws(() => r.gauge({ name: 'a_total', help: 'a', labelNames: ['x'] }), {
      code: 'LOOKOUT_ERR_METRIC_CONFLICT',
    })
  })

  const badNames = ['1abc', 'with-dash', 'sp ace', '']
  for (const name of badNames) {
    test(`the metric name "${name}" is refused at registration`, () => {
      assert.throws(() => createMetricRegistry().counter({ name, help: 'x' }), {
        code: 'LOOKOUT_ERR_METRIC_NAME',
      })
    })
  }

  test('reserved and invalid label names are refused', () => {
    const r = createMetricRegistry()
    for (const label of ['le', '__name', 'a-b', 'quantile']) {
      assert.throws(() => r.counter({ name: `m_${label.length}_total`, help: 'x', labelNames: [label] }), {
        code: 'LOOKOUT_ERR_METRIC_NAME',
      })
    }
  })

  test('buckets must be strictly increasing and finite', () => {
    const r = createMetricRegistry()
    assert.throws(() => r.histogram({ name: 'h1', help: 'x', buckets: [] }), { code: 'LOOKOUT_ERR_BUCKETS' })
    assert.throws(() => r.histogram({ name: 'h2', help: 'x', buckets: [1, 1] }), {
      code: 'LOOKOUT_ERR_BUCKETS',
    })
    assert.throws(() => r.histogram({ name: 'h3', help: 'x', buckets: [1, Number.POSITIVE_INFINITY] }), {
      code: 'LOOKOUT_ERR_BUCKETS',
    })
  })

  test('a large exposition yields to the event loop while it renders', async () => {
    const r = createMetricRegistry({ maxSeriesPerMetric: 20_000 })
    const h = r.histogram({ name: 'big_seconds', help: 'x', labelNames: ['i'], buckets: [0.1, 1] })
    const c = r.counter({ name: 'big_total', help: 'x', labelNames: ['i'] })
    for (let i = 0; i < 5000; i++) {
      h.labels(String(i)).observe(0.5)
      c.labels(String(i)).inc()
    }
    let ticks = 0
    const timer = setInterval(() => ticks++, 0)
    await r.expose()
    clearInterval(timer)
    assert.ok(ticks > 0, 'timers ran during the scrape')
  })
})

describe('content negotiation', () => {
  const cases: [string | undefined, 'prometheus' | 'openmetrics'][] = [
    [undefined, 'prometheus'],
    ['text/plain', 'prometheus'],
    ['*/*', 'prometheus'],
    ['application/openmetrics-text; version=1.0.0; charset=utf-8', 'openmetrics'],
    ['application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4', 'openmetrics'],
    ['application/openmetrics-text;q=0, text/plain', 'prometheus'],
  ]
  for (const [accept, expected] of cases) {
    test(`Accept ${JSON.stringify(accept)} gets ${expected}`, () =>
      assert.equal(negotiateFormat(accept), expected))
  }
})
