/**
 * `/metrics` scraped through a real HTTP server on loopback: a Fastify app with the Lookout plugin (process metrics
 * on) whose registry holds about 10 000 and 100 000 series, scraped by a client in a worker thread (its own event
 * loop, so the server's loop measures the server alone).
 *
 * A series is one sample line of the exposition, as Prometheus counts them: a histogram label set with 11 buckets is
 * 14 series (11 buckets, +Inf, _sum, _count). The registry gets one realistic HTTP metric set per
 * (method, route, status) key — a duration histogram (11 buckets, 14 series) and a request counter (1 series) — plus
 * Lookout's own and the process metrics; the figures give the exact line count of the exposition.
 *
 * Reported per size, for two cases — every series observed since the previous scrape (nothing comes from the
 * per-series render cache) and none (all of it does): the client's total scrape time (request to last byte) and the
 * server's longest event-loop block during the scrape (the larger of monitorEventLoopDelay's max and the longest gap
 * between 1 ms heartbeats), median and worst of the rounds. On a shared host a wall-clock gap also counts time the
 * process waited for a core, so the server thread's own CPU time is given too: per scrape, and the most it spent
 * between two heartbeats (the longest block it caused). The load average is reported with the figures.
 *
 *   node --conditions=lookout-source --import tsx bench/micro/scrape.ts [--rounds=7] [--sizes=10000,100000] [--out=scrape]
 *
 * `--out=<name>` also writes the figures to bench/results/<name>.json.
 */
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import Fastify from 'fastify'
import pino from 'pino'
import { createLookout } from '../../src/core/createLookout.ts'
import { lookout as fastifyLookout } from '../../src/fastify/index.ts'
import type { CounterChild } from '../../src/metrics/counterFamily.ts'
import type { HistogramChild } from '../../src/metrics/histogramFamily.ts'

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const METHODS = ['GET', 'POST', 'PUT', 'DELETE']
const STATUSES = ['200', '201', '204', '400', '404', '409', '500']

const CLIENT = `
const { parentPort } = require('node:worker_threads')
parentPort.on('message', async ({ url, id }) => {
  const t0 = performance.now()
  const res = await fetch(url)
  let bytes = 0
  for await (const chunk of res.body) bytes += chunk.length
  parentPort.postMessage({ id, ms: performance.now() - t0, bytes, status: res.status })
})
`

interface Round {
  readonly scrapeMs: number
  readonly longestBlockMs: number
  readonly serverCpuMs: number
  readonly longestBlockCpuMs: number
  readonly bytes: number
}

function summarise(rounds: readonly Round[]) {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const fix = (x: number) => Number(x.toFixed(1))
  return {
    scrapeMsMedian: fix(median(rounds.map((r) => r.scrapeMs))),
    scrapeMsMax: fix(Math.max(...rounds.map((r) => r.scrapeMs))),
    longestBlockMsMedian: fix(median(rounds.map((r) => r.longestBlockMs))),
    longestBlockMsMax: fix(Math.max(...rounds.map((r) => r.longestBlockMs))),
    serverCpuMsMedian: fix(median(rounds.map((r) => r.serverCpuMs))),
    longestBlockCpuMsMedian: fix(median(rounds.map((r) => r.longestBlockCpuMs))),
    longestBlockCpuMsMax: fix(Math.max(...rounds.map((r) => r.longestBlockCpuMs))),
    bytes: rounds[0]!.bytes,
  }
}

async function benchSize(targetSeries: number, rounds: number) {
  const keys = Math.ceil(targetSeries / 15)
  const lookout = createLookout(
    { service: 'scrape-bench', metrics: { cardinality: { maxSeriesPerMetric: keys + 1 } } },
    { env: {}, logger: pino({ level: 'silent' }) },
  )
  const app = Fastify()
  await app.register(fastifyLookout, { lookout })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/metrics`

  const registry = lookout.registry
  const duration = registry.histogram({
    name: 'app_request_duration_seconds',
    help: 'Request duration',
    labelNames: ['method', 'route', 'status'],
    buckets: BUCKETS,
  })
  const requests = registry.counter({
    name: 'app_requests_total',
    help: 'Requests',
    labelNames: ['method', 'route', 'status'],
  })
  const children: { h: HistogramChild; c: CounterChild }[] = []
  for (let i = 0; i < keys; i++) {
    const method = METHODS[i % METHODS.length]!
    const status = STATUSES[Math.floor(i / METHODS.length) % STATUSES.length]!
    const route = `/api/v1/resource${Math.floor(i / (METHODS.length * STATUSES.length))}/:id`
    children.push({ h: duration.labels(method, route, status), c: requests.labels(method, route, status) })
  }
  const touch = (round: number) => {
    for (let i = 0; i < children.length; i++) {
      children[i]!.h.observe(((i + round) % 1000) / 400)
      children[i]!.c.inc()
    }
  }
  touch(0)

  const worker = new Worker(CLIENT, { eval: true })
  let nextId = 0
  const scrape = () =>
    new Promise<{ ms: number; bytes: number; status: number }>((resolve) => {
      const id = nextId++
      const onMessage = (m: { id: number; ms: number; bytes: number; status: number }) => {
        if (m.id !== id) return
        worker.off('message', onMessage)
        resolve(m)
      }
      worker.on('message', onMessage)
      worker.postMessage({ url, id })
    })
  const measured = async (): Promise<Round> => {
    const loop = monitorEventLoopDelay({ resolution: 1 })
    const cpuMs = () => {
      const u = process.threadCpuUsage()
      return (u.user + u.system) / 1000
    }
    let maxGap = 0
    let maxCpuGap = 0
    let last = performance.now()
    const cpuStart = cpuMs()
    let lastCpu = cpuStart
    const heartbeat = setInterval(() => {
      const now = performance.now()
      const cpu = cpuMs()
      maxGap = Math.max(maxGap, now - last)
      maxCpuGap = Math.max(maxCpuGap, cpu - lastCpu)
      last = now
      lastCpu = cpu
    }, 1)
    loop.enable()
    const res = await scrape()
    loop.disable()
    clearInterval(heartbeat)
    if (res.status !== 200) throw new Error(`scrape answered ${res.status}`)
    return {
      scrapeMs: res.ms,
      longestBlockMs: Math.max(maxGap, loop.max / 1e6),
      serverCpuMs: cpuMs() - cpuStart,
      longestBlockCpuMs: maxCpuGap,
      bytes: res.bytes,
    }
  }

  const text = await registry.expose() // also warms the render cache and the code paths
  const series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length
  await scrape()
  const changed: Round[] = []
  const idle: Round[] = []
  for (let r = 1; r <= rounds; r++) {
    touch(r)
    changed.push(await measured())
    idle.push(await measured())
  }
  await worker.terminate()
  await app.close()
  await lookout.shutdown()
  return {
    targetSeries,
    series,
    labelSets: keys,
    everySeriesChanged: summarise(changed),
    noSeriesChanged: summarise(idle),
  }
}

/** Runs the scrape benchmark for each size and returns the figures. */
export async function runScrapeMicro(options: { sizes?: readonly number[]; rounds?: number } = {}) {
  const out = []
  for (const size of options.sizes ?? [10_000, 100_000]) out.push(await benchSize(size, options.rounds ?? 7))
  return {
    node: process.version,
    cpus: cpus().length,
    loadAverage: loadavg().map((l) => Number(l.toFixed(1))),
    results: out,
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
  const sizes = arg('sizes')?.split(',').map(Number)
  const rounds = arg('rounds') === undefined ? undefined : Number(arg('rounds'))
  const report = JSON.stringify(
    { date: new Date().toISOString(), ...(await runScrapeMicro({ sizes, rounds })) },
    null,
    2,
  )
  const out = arg('out')
  if (out !== undefined) writeFileSync(new URL(`../results/${out}.json`, import.meta.url), `${report}\n`)
  console.log(report)
}
