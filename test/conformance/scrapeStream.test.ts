import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { after, before, describe, test } from 'node:test'
import type { MetricRegistry } from '../../src/metrics/metricRegistry.ts'
import {
  addEveryFamily,
  assertSameText,
  fixtureLines,
  rearmFirstScrape,
} from '../support/everyFamilyMetrics.ts'
import { ADAPTERS, type AdapterName, type RunningApp, startApp } from './adapters.ts'

const golden = (format: string) =>
  readFileSync(new URL(`../fixtures/metrics/everyFamily.${format}.txt`, import.meta.url), 'utf8')
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0'

const BULK_FAMILIES = 6
const BULK_SERIES = 2000
/** Series with five 250-character labels: about 1.3 KB a line, 15 MB in all — several times what the sockets buffer. */
function addBulk(registry: MetricRegistry): { readonly reads: number; readonly total: number } {
  const counter = { reads: 0, total: BULK_FAMILIES * BULK_SERIES }
  const labelNames = ['a', 'b', 'c', 'd', 'e']
  for (let f = 0; f < BULK_FAMILIES; f++) {
    const family = registry.gauge({ name: `bulk_${f}_items`, help: 'Bulk series', labelNames })
    for (let i = 0; i < BULK_SERIES; i++) {
      const values = labelNames.map((l) => `${l}${i}-${'v'.repeat(245)}`)
      // Each read of `value` is one series rendered.
      Object.defineProperty(family.labels(...values), 'value', {
        get() {
          counter.reads++
          return i
        },
      })
    }
  }
  return counter
}

const bulkLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('bulk_'))
    .join('\n')

/** Resolves once `read()` has not changed for `quietTurns` consecutive 20 ms intervals (rendering has stopped). */
async function settled(read: () => number, quietTurns = 10): Promise<number> {
  let last = read()
  let quiet = 0
  while (quiet < quietTurns) {
    await new Promise((r) => setTimeout(r, 20))
    const now = read()
    quiet = now === last ? quiet + 1 : 0
    last = now
  }
  return last
}

/** Opens a raw connection, sends a scrape and resolves once the first response bytes arrived. */
async function rawScrape(port: number, method = 'GET'): Promise<{ socket: Socket; received: () => string }> {
  const socket = connect(port, '127.0.0.1')
  let data = ''
  const first = new Promise<void>((resolve, reject) => {
    socket.once('data', () => resolve())
    socket.once('error', reject)
  })
  socket.setEncoding('latin1')
  socket.on('data', (chunk: string) => {
    data += chunk
  })
  socket.write(`${method} /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
  await first
  return { socket, received: () => data }
}

type Target = AdapterName | 'metrics-port'
const TARGETS: readonly Target[] = [...ADAPTERS, 'metrics-port']

for (const target of TARGETS) {
  describe(`/metrics streamed through ${target === 'metrics-port' ? 'the separate metrics listener' : `the ${target} adapter`}`, () => {
    let app: RunningApp
    let url: string
    let bulk: { readonly reads: number; readonly total: number }
    before(async () => {
      app = await startApp(target === 'metrics-port' ? 'node' : target, {
        metrics: target === 'metrics-port' ? { port: 0, host: '127.0.0.1' } : {},
      })
      url = target === 'metrics-port' ? `http://127.0.0.1:${app.lookout.metricsPort}` : app.url
      addEveryFamily(app.lookout.registry)
      bulk = addBulk(app.lookout.registry)
    })
    after(() => app.close())

    test('HEAD answers the headers without rendering the exposition', async () => {
      const before = bulk.reads
      const res = await fetch(`${url}/metrics`, { method: 'HEAD' })
      assert.equal(res.status, 200)
      assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8')
      assert.equal(await res.text(), '')
      assert.equal(bulk.reads, before)
    })

    test('the streamed body is the exposition text, in both formats, concurrent scrapes included', async () => {
      rearmFirstScrape(app.lookout.registry)
      const prom = await fetch(`${url}/metrics`)
      assert.equal(prom.status, 200)
      assert.equal(prom.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8')
      const promText = await prom.text()
      assertSameText(fixtureLines(promText), fixtureLines(golden('prometheus')), 'Prometheus text')

      rearmFirstScrape(app.lookout.registry)
      const om = await fetch(`${url}/metrics`, { headers: { accept: OPENMETRICS } })
      assert.equal(
        om.headers.get('content-type'),
        'application/openmetrics-text; version=1.0.0; charset=utf-8',
      )
      const omText = await om.text()
      assertSameText(fixtureLines(omText), fixtureLines(golden('openmetrics')), 'OpenMetrics text')
      assert.ok(omText.endsWith('\n# EOF\n') && omText.indexOf('# EOF') === omText.length - 6)

      // Two scrapes at once render independently; each gets the whole text.
      const [a, b] = await Promise.all([
        fetch(`${url}/metrics`).then((r) => r.text()),
        fetch(`${url}/metrics`, { headers: { accept: OPENMETRICS } }).then((r) => r.text()),
      ])
      const expected = bulkLines(await app.lookout.registry.expose())
      assert.equal(expected.split('\n').length, bulk.total)
      assertSameText(bulkLines(a), expected, 'concurrent Prometheus scrape')
      assertSameText(bulkLines(b), expected, 'concurrent OpenMetrics scrape')
      assertSameText(bulkLines(promText), expected, 'first scrape')
    })

    test('a client that stops reading pauses the rendering, which resumes when it reads again', async () => {
      const start = bulk.reads
      const { socket, received } = await rawScrape(Number(new URL(url).port))
      socket.pause()
      const paused = (await settled(() => bulk.reads)) - start
      assert.ok(
        paused < bulk.total / 2,
        `${paused} of ${bulk.total} series rendered while the client read nothing`,
      )
      const ended = new Promise((r) => socket.once('end', r))
      socket.resume()
      await ended
      assert.equal(bulk.reads - start, bulk.total)
      const body = received()
      assert.match(body, /^HTTP\/1\.1 200 /)
      assert.ok(body.includes(`bulk_${BULK_FAMILIES - 1}_items{a="a${BULK_SERIES - 1}-`))
      assert.ok(body.endsWith('0\r\n\r\n'), 'the chunked body is complete')
    })

    test('a client that goes away stops the rendering; the next scrape is whole and the only one timed', async () => {
      const timed = async () =>
        Number(
          /lookout_metrics_scrape_duration_seconds_count (\d+)\n/.exec(
            await app.lookout.registry.expose(),
          )?.[1],
        )
      const timedBefore = await timed()
      const start = bulk.reads
      const { socket } = await rawScrape(Number(new URL(url).port))
      const closed = new Promise((r) => socket.once('close', r))
      socket.destroy()
      await closed
      const stopped = (await settled(() => bulk.reads)) - start
      assert.ok(
        stopped < bulk.total / 2,
        `${stopped} of ${bulk.total} series rendered for a client that left`,
      )
      const text = await (await fetch(`${url}/metrics`)).text()
      assert.equal(bulk.reads - start, stopped + bulk.total)
      assert.equal(bulkLines(text).split('\n').length, bulk.total)
      assert.equal(await timed(), timedBefore + 1)
    })
  })
}
