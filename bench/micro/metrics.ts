/**
 * Micro-benchmarks of the metrics hot path and exposition, Lookout vs prom-client in the same process:
 * labelled histogram observe (ns/op), counter inc, Lookout's bound-child observe, cardinality-budget admission,
 * and /metrics rendering for 1 k / 10 k / 100 k histogram label sets (ms, bytes, longest event-loop block).
 *
 *   node --conditions=lookout-source --import tsx bench/micro/metrics.ts [--quick]
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { Counter, Histogram, Registry } from 'prom-client'
import { createMetricRegistry } from '../../src/metrics/metricRegistry.ts'

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

function nsPerOp(n: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(n, 100_000); i++) fn(i) // warm-up
  const t0 = performance.now()
  for (let i = 0; i < n; i++) fn(i)
  return Number((((performance.now() - t0) * 1e6) / n).toFixed(1))
}

async function exposition(series: number) {
  const own = createMetricRegistry({ maxSeriesPerMetric: series + 1 })
  const h = own.histogram({
    name: 'http_request_duration_seconds',
    help: 'x',
    labelNames: ['route', 'status'],
    buckets: BUCKETS,
  })
  const prom = new Registry()
  const ph = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'x',
    labelNames: ['route', 'status'],
    buckets: BUCKETS,
    registers: [prom],
  })
  for (let i = 0; i < series; i++) {
    h.labels(`/r${i}`, '200').observe((i % 100) / 100)
    ph.observe({ route: `/r${i}`, status: '200' }, (i % 100) / 100)
  }
  const measure = async (render: () => Promise<string>) => {
    const loop = monitorEventLoopDelay({ resolution: 1 })
    let maxGap = 0
    let last = performance.now()
    const timer = setInterval(() => {
      const now = performance.now()
      maxGap = Math.max(maxGap, now - last)
      last = now
    }, 1)
    loop.enable()
    const t0 = performance.now()
    const text = await render()
    const ms = performance.now() - t0
    loop.disable()
    clearInterval(timer)
    maxGap = Math.max(maxGap, performance.now() - last)
    return {
      ms: Number(ms.toFixed(1)),
      bytes: text.length,
      longestBlockMs: Number(Math.max(maxGap, loop.max / 1e6).toFixed(1)),
    }
  }
  await own.expose()
  await prom.metrics()
  // Every series changes between scrapes (the worst case for Lookout's per-series render cache)…
  const touch = () => {
    for (let i = 0; i < series; i++) h.labels(`/r${i}`, '200').observe(0.042)
  }
  touch()
  const lookout = await measure(() => own.expose())
  const promClient = await measure(() => prom.metrics())
  // …and the steady state where no series changed since the previous scrape.
  const lookoutIdle = await measure(() => own.expose())
  return {
    series,
    lookout,
    promClient,
    speedup: Number((promClient.ms / lookout.ms).toFixed(2)),
    lookoutIdleSeries: lookoutIdle,
  }
}

/** Runs every micro-benchmark and returns the figures. */
export async function runMetricsMicro(options: { quick?: boolean } = {}) {
  const n = options.quick ? 200_000 : 2_000_000
  const own = createMetricRegistry()
  const h = own.histogram({ name: 'h_seconds', help: 'x', labelNames: ['method', 'route'], buckets: BUCKETS })
  const c = own.counter({ name: 'c_total', help: 'x', labelNames: ['method', 'route'] })
  const bound = h.labels('GET', '/users/:id')
  const prom = new Registry()
  const ph = new Histogram({
    name: 'h_seconds',
    help: 'x',
    labelNames: ['method', 'route'],
    buckets: BUCKETS,
    registers: [prom],
  })
  const pc = new Counter({ name: 'c_total', help: 'x', labelNames: ['method', 'route'], registers: [prom] })
  const labels = { method: 'GET', route: '/users/:id' }
  const budgeted = createMetricRegistry({ maxSeriesPerMetric: 1000 }).counter({
    name: 'b_total',
    help: 'x',
    labelNames: ['k'],
  })
  const keys = Array.from({ length: 5000 }, (_, i) => `k${i}`)
  const hot = {
    promClientHistogramObserveLabelled: nsPerOp(n, (i) => ph.observe(labels, (i % 1000) / 1000)),
    promClientCounterIncLabelled: nsPerOp(n, () => pc.inc(labels)),
    lookoutHistogramObserveLabelled: nsPerOp(n, (i) =>
      h.labels('GET', '/users/:id').observe((i % 1000) / 1000),
    ),
    lookoutCounterIncLabelled: nsPerOp(n, () => c.labels('GET', '/users/:id').inc()),
    lookoutHistogramObserveBound: nsPerOp(n, (i) => bound.observe((i % 1000) / 1000)),
    lookoutBudgetAdmissionMixed: nsPerOp(n, (i) => budgeted.labels(keys[i % 5000]!).inc()),
  }
  const sizes = options.quick ? [1000, 10_000] : [1000, 10_000, 100_000]
  const scrape = []
  for (const s of sizes) scrape.push(await exposition(s))
  return { nsPerOp: hot, exposition: scrape }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runMetricsMicro({ quick: process.argv.includes('--quick') }), null, 2))
}
