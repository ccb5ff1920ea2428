/**
 * A deterministic set of metrics covering every family type and exposition feature (labelled and unlabelled
 * series, escaping, `_total` and non-`_total` counters, zero-first series, histogram exemplars with fixed
 * timestamps, the cardinality overflow series, and prom-client counter / gauge / histogram / summary), added to a
 * registry so its exposition can be compared byte for byte with a golden text.
 */
import { Counter, Gauge, Histogram, Summary } from 'prom-client'
import type { MetricRegistry } from '../../src/metrics/metricRegistry.ts'

/** Names of every family {@link addEveryFamily} registers (Lookout's own and prom-client's). */
export const EVERY_FAMILY_NAMES: readonly string[] = [
  'fixture_jobs_total',
  'fixture_legacy_count',
  'fixture_first_seen_total',
  'fixture_queue_depth',
  'fixture_temperature',
  'fixture_latency_seconds',
  'fixture_first_latency_seconds',
  'fixture_capped_total',
  'fixture_prom_requests_total',
  'fixture_prom_ratio',
  'fixture_prom_size_bytes',
  'fixture_prom_summary_seconds',
]

/** Registers and fills the fixture metrics in `registry` (and its prom-client registry). */
export function addEveryFamily(registry: MetricRegistry): void {
  const jobs = registry.counter({
    name: 'fixture_jobs_total',
    help: 'Jobs "run"\nby status',
    labelNames: ['status', 'queue'],
  })
  jobs.labels('ok', 'default').inc(3)
  jobs.labels('failed', 'a\\b"c\nd').inc(1.5)
  jobs.labels('ok', 'ünïcödé ✓').inc()
  registry.counter({ name: 'fixture_legacy_count', help: 'A counter named without _total' }).labels().inc(7)
  const firstSeen = registry.counter({
    name: 'fixture_first_seen_total',
    help: 'Zero at first scrape',
    labelNames: ['route'],
  })
  const fs = firstSeen.labels('/users/:id')
  fs.inc(4)
  fs.zeroFirst = true

  registry
    .gauge({ name: 'fixture_queue_depth', help: 'Queue depth', labelNames: ['queue'] })
    .labels('default')
    .set(12)
  const temp = registry.gauge({
    name: 'fixture_temperature',
    help: 'Non-finite values',
    labelNames: ['sensor'],
  })
  temp.labels('hot').set(Number.POSITIVE_INFINITY)
  temp.labels('cold').set(Number.NEGATIVE_INFINITY)
  temp.labels('broken').set(Number.NaN)
  temp.labels('fine').set(-0.125)

  const latency = registry.histogram({
    name: 'fixture_latency_seconds',
    help: 'Latency',
    labelNames: ['op'],
    buckets: [0.005, 0.1, 1, 2.5],
  })
  const read = latency.labels('read')
  for (const v of [0.001, 0.05, 0.3, 0.7, 3]) read.observe(v)
  const write = latency.labels('write')
  write.observeWithExemplar(0.04, '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7')
  write.observeWithExemplar(1.7, '0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331')
  for (const ex of write.exemplars ?? []) if (ex !== undefined) ex.timestamp = 1767225600.25
  const unlabelled = registry.histogram({
    name: 'fixture_first_latency_seconds',
    help: 'Unlabelled, zero first',
    buckets: [1],
  })
  const u = unlabelled.labels()
  u.observe(0.5)
  u.zeroFirst = true

  // Two series over a budget of 2000 would need 2000 children; the overflow series is what the budget produces.
  const capped = registry.counter({
    name: 'fixture_capped_total',
    help: 'Over its budget',
    labelNames: ['shard'],
  })
  for (let i = 0; i < 2001; i++) capped.labels(`u${i}`).inc()

  const prom = registry.promRegistry
  const requests = new Counter({
    name: 'fixture_prom_requests_total',
    help: 'prom-client counter',
    labelNames: ['code'],
    registers: [prom],
  })
  requests.labels('200').inc(5)
  requests.labels('5"00').inc(1)
  new Gauge({ name: 'fixture_prom_ratio', help: 'prom-client gauge', registers: [prom] }).set(0.5)
  const size = new Histogram({
    name: 'fixture_prom_size_bytes',
    help: 'prom-client histogram',
    buckets: [100, 1000],
    registers: [prom],
  })
  size.observe(50)
  size.observe(5000)
  const summary = new Summary({
    name: 'fixture_prom_summary_seconds',
    help: 'prom-client summary',
    percentiles: [0.5, 0.9],
    registers: [prom],
  })
  summary.observe(1)
  summary.observe(3)
}

/** The lines of an exposition that belong to the fixture's families (HELP/TYPE and samples), in order. */
export function fixtureLines(exposition: string): string {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith('fixture_') || /^# (HELP|TYPE) fixture_/.test(line))
    .join('\n')
}

/** Asserts two texts are identical, reporting the first difference in a short excerpt (expositions are large). */
export function assertSameText(actual: string, expected: string, what = 'text'): void {
  if (actual === expected) return
  let i = 0
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++
  const around = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 80), i + 80))
  throw new Error(
    `${what} differs at offset ${i} (lengths ${actual.length} / ${expected.length}): got ${around(actual)}, expected ${around(expected)}`,
  )
}

/** Marks the fixture's zero-first series again, so the next exposition matches a first scrape's golden text. */
export function rearmFirstScrape(registry: MetricRegistry): void {
  registry
    .counter({ name: 'fixture_first_seen_total', help: 'Zero at first scrape', labelNames: ['route'] })
    .labels('/users/:id').zeroFirst = true
  registry
    .histogram({ name: 'fixture_first_latency_seconds', help: 'Unlabelled, zero first', buckets: [1] })
    .labels().zeroFirst = true
}
