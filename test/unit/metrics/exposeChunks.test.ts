import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { createMetricRegistry, type MetricRegistry } from '../../../src/metrics/metricRegistry.ts'
import { addEveryFamily, assertSameText } from '../../support/everyFamilyMetrics.ts'

const golden = (format: string) =>
  readFileSync(new URL(`../../fixtures/metrics/everyFamily.${format}.txt`, import.meta.url), 'utf8')

/** A gauge family of `n` series whose value reads are counted: each read is one series rendered. */
function countedGauge(
  registry: MetricRegistry,
  n: number,
  name = 'rendered_gauge',
): { readonly reads: number } {
  const family = registry.gauge({ name, help: 'Counts its renders', labelNames: ['shard', 'pad'] })
  const counter = { reads: 0 }
  const pad = 'x'.repeat(100)
  for (let i = 0; i < n; i++) {
    Object.defineProperty(family.labels(String(i), pad), 'value', {
      get() {
        counter.reads++
        return i
      },
    })
  }
  return counter
}

describe('the chunked exposition', () => {
  for (const format of ['prometheus', 'openmetrics'] as const) {
    test(`its ${format} chunks concatenate to the exposition text of every family type and prom-client's metrics`, async () => {
      const r = createMetricRegistry()
      addEveryFamily(r)
      const chunks: string[] = []
      for await (const chunk of r.exposeChunks(format)) chunks.push(chunk)
      assert.ok(chunks.length > 1, 'the fixture is larger than one chunk')
      assertSameText(chunks.join(''), golden(format))
    })

    test(`expose('${format}') returns the same text as before streaming`, async () => {
      const r = createMetricRegistry()
      addEveryFamily(r)
      assertSameText(await r.expose(format), golden(format))
    })
  }

  test('no chunk is much larger than 64 KiB, so a scrape holds about one chunk of text', async () => {
    const r = createMetricRegistry({ maxSeriesPerMetric: 50_000 })
    countedGauge(r, 20_000)
    const h = r.histogram({
      name: 'big_seconds',
      help: 'h',
      labelNames: ['shard'],
      buckets: [0.1, 0.5, 1, 5],
    })
    for (let i = 0; i < 5000; i++) h.labels(String(i)).observe(i / 1000)
    let total = 0
    for await (const chunk of r.exposeChunks()) {
      assert.ok(chunk.length < 192 * 1024, `chunk of ${chunk.length} chars`)
      total += chunk.length
    }
    assert.equal(total, (await r.expose()).length)
  })

  test('rendering runs only as far as the consumer pulls, and stops when it returns', async () => {
    const r = createMetricRegistry({ maxSeriesPerMetric: 50_000 })
    const counted = countedGauge(r, 20_000)
    const chunks = r.exposeChunks()
    const first = await chunks.next()
    assert.equal(first.done, false)
    const afterOne = counted.reads
    assert.ok(afterOne > 0 && afterOne < 20_000, `${afterOne} series rendered for one chunk`)
    await chunks.return()
    assert.equal(counted.reads, afterOne)
    assert.equal((await chunks.next()).done, true)
  })

  test('two interleaved scrapes in different formats each get their own complete text', async () => {
    const r = createMetricRegistry({ maxSeriesPerMetric: 50_000 })
    countedGauge(r, 5000)
    addEveryFamily(r)
    await r.expose() // the first scrape writes zero-first series as 0; compare the ones after it
    const alone = { prometheus: await r.expose('prometheus'), openmetrics: await r.expose('openmetrics') }
    const a = r.exposeChunks('prometheus')
    const b = r.exposeChunks('openmetrics')
    const texts = { a: '', b: '' }
    let doneA = false
    let doneB = false
    while (!doneA || !doneB) {
      if (!doneA) {
        const next = await a.next()
        if (next.done) doneA = true
        else texts.a += next.value
      }
      if (!doneB) {
        const next = await b.next()
        if (next.done) doneB = true
        else texts.b += next.value
      }
    }
    assertSameText(texts.a, alone.prometheus)
    assertSameText(texts.b, alone.openmetrics)
  })
})
