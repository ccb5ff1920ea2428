/**
 * Soak run on loopback (a benchmark, not a test): one service process (Fastify + Lookout with tracing to an OTLP
 * collector, logs to Loki, alerts to PagerDuty and a webhook, the store on SQLite) under moderate steady load for a
 * bounded time. The middle third of the run has the collector black-holed, Loki answering 500 and the alert
 * receiver answering 503; the first and last thirds have them up. Alerts are fired all along through the API.
 *
 * Reports the service's RSS and open file descriptors (read from /proc), its V8 heap in use, the heap retained
 * after each full collection, the main malloc arena and its active handles (reported by the service over IPC) — each
 * as a least-squares slope after a warm-up and over the last third — request latency p50/p99 with the exporters up
 * and down (same process, same load), and whether every alert the API accepted (202) reached every channel (counted
 * by idempotency key at the receiver) once the receiver is back.
 *
 * Usage: node --conditions=lookout-source --import tsx bench/soak.ts [--minutes 25] [--rate 200] [--connections 8]
 *   [--off loki,tracing] (leave parts out) [--snapshots <dir>] (heap snapshots after warm-up, outage, near the end)
 *   [--child-flags "--max-old-space-size=96"] (Node flags of the service); SOAK_TRACE=1 prints every sample.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { constants, PerformanceObserver } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { writeHeapSnapshot } from 'node:v8'
import { Agent, request } from 'undici'
import { startLokiReceiver } from '../test/support/lokiReceiver.ts'
import { startOtlpReceiver } from '../test/support/otlpReceiver.ts'
import { startAlertReceiver } from '../test/support/receivers/alertReceiver.ts'

const KEY = 'soak-operator-key-0123456789'
const SECRET = 'soak-webhook-secret-0123456789'
const argText = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? undefined : process.argv[i + 1]
}
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}

async function server(): Promise<void> {
  const Fastify = (await import('fastify')).default
  const { createLookout } = await import('lookout')
  const { lookout: plugin } = await import('lookout/fastify')
  const env = process.env
  const dir = mkdtempSync(join(tmpdir(), 'lookout-soak-'))
  // Parts left out to tell which one holds memory (`--off loki,tracing`).
  const off = new Set((env.SOAK_OFF ?? '').split(','))
  const receiver = env.SOAK_RECEIVER_URL!
  const instance = createLookout(
    {
      service: 'soak',
      operator: { keys: [KEY] },
      tracing: off.has('tracing') ? { enabled: false } : { endpoint: env.SOAK_OTLP_URL!, sampleRate: 1 },
      logging: { level: 'info', ...(off.has('loki') ? {} : { loki: { url: env.SOAK_LOKI_URL! } }) },
      store: { url: `sqlite:${join(dir, 'soak.db')}` },
      alerting: {
        enabled: true,
        cooldownSeconds: 0,
        endpoints: { pagerduty: receiver },
        allowPrivateTargets: true,
        // Retries outlast the run's outage (a third of it): 100 attempts at up to 10 s apart.
        worker: { pollIntervalMs: 200, backoffBaseMs: 500, backoffMaxMs: 10_000, maxAttempts: 100 },
      },
    } as never,
    // Lookout's own logger, so lines go to stdout (drained by the parent) and are shipped to Loki.
    { env: {} },
  )
  const app = Fastify()
  await app.register(plugin, { lookout: instance })
  app.get('/orders/:id', async (req) => {
    ;(req as unknown as { log: { info: (o: object, m: string) => void } }).log.info(
      { order: (req.params as { id: string }).id },
      'order read',
    )
    return { id: (req.params as { id: string }).id, items: [1, 2, 3], total: 42 }
  })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  await instance.start()
  const r = await instance.alerts.setConfig('acme', {
    channels: [
      { id: 'pd', type: 'pagerduty', routingKey: 'R0123456789abcdef0123456789abcde' },
      { id: 'hook', type: 'webhook', url: `${receiver}/webhook`, secret: SECRET },
    ],
    routes: [{ channels: ['pd', 'hook'] }],
  })
  if (!r.ok) throw new Error(JSON.stringify(r.problems))
  process.stdout.write(`LISTENING ${address}\n`)
  // The heap in use right after the last full (mark-compact) collection: what is retained, not what awaits a GC.
  let retainedMb = Number.NaN
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if (
        (e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR
      )
        retainedMb = process.memoryUsage().heapUsed / 1048576
  }).observe({ entryTypes: ['gc'] })
  // Heap and handle figures go to the parent over IPC (RSS and fds it reads from /proc itself).
  setInterval(() => {
    const m = process.memoryUsage()
    const resources = process.getActiveResourcesInfo()
    process.send?.({
      heapUsedMb: m.heapUsed / 1048576,
      heapTotalMb: m.heapTotal / 1048576,
      retainedMb,
      externalMb: (m.external + m.arrayBuffers) / 1048576,
      handles: resources.length,
      resources: Object.fromEntries(
        [...new Set(resources)].map((k) => [k, resources.filter((r) => r === k).length]),
      ),
    })
  }, 5000).unref()
  process.on('message', (m: { snapshot?: string }) => {
    if (m.snapshot) writeHeapSnapshot(m.snapshot)
  })
  process.once('SIGTERM', async () => {
    await app.close()
    await instance.shutdown()
    rmSync(dir, { recursive: true, force: true })
    process.exit(0)
  })
}

/** Least-squares slope of y over x. */
function slope(points: readonly [number, number][]): number {
  const n = points.length
  if (n < 2) return Number.NaN
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  let num = 0
  let den = 0
  for (const [x, y] of points) {
    num += (x - mx) * (y - my)
    den += (x - mx) ** 2
  }
  return den === 0 ? 0 : num / den
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

function processFigures(pid: number): { rssMb: number; fds: number; mallocMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
  // The resident part of the main malloc arena ([heap]): native allocations outside V8's heap.
  const smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8')
  const heapAt = smaps.indexOf('[heap]')
  const mallocKb = heapAt === -1 ? 0 : Number(/\nRss:\s+(\d+)/.exec(smaps.slice(heapAt))?.[1] ?? 0)
  return { rssMb: rssKb / 1024, fds: readdirSync(`/proc/${pid}/fd`).length, mallocMb: mallocKb / 1024 }
}

async function main(): Promise<void> {
  const minutes = arg('minutes', 25)
  const rate = arg('rate', 200)
  const connections = arg('connections', 8)
  const totalMs = minutes * 60_000
  const otlp = await startOtlpReceiver()
  const loki = await startLokiReceiver()
  const receiver = await startAlertReceiver({ webhookSecret: SECRET })
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(argText('child-flags')?.split(' ').filter(Boolean) ?? []),
      '--conditions=lookout-source',
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--server',
    ],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        SOAK_OTLP_URL: otlp.url,
        SOAK_LOKI_URL: loki.url,
        SOAK_RECEIVER_URL: receiver.url,
        SOAK_OFF: argText('off') ?? '',
      },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  )
  let inner: {
    heapUsedMb: number
    retainedMb: number
    externalMb: number
    handles: number
    resources: Record<string, number>
  } = {
    heapUsedMb: Number.NaN,
    retainedMb: Number.NaN,
    externalMb: Number.NaN,
    handles: Number.NaN,
    resources: {},
  }
  child.on('message', (m: typeof inner) => {
    inner = m
  })
  const base = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      if (out === undefined) return
      out += d.toString()
      const m = /LISTENING (\S+)/.exec(out)
      if (m) {
        out = undefined as unknown as string
        resolve(m[1]!)
      }
    })
    child.once('exit', (code) => reject(new Error(`service exited ${code}`)))
  })
  const agent = new Agent({ connections, pipelining: 1 })
  const started = Date.now()
  const phaseOf = (at: number): 'up' | 'down' => {
    const f = (at - started) / totalMs
    return f >= 1 / 3 && f < 2 / 3 ? 'down' : 'up'
  }
  const latencies = { up: [] as number[], down: [] as number[] }
  const errors = { up: 0, down: 0 }
  const samples: {
    at: number
    rssMb: number
    fds: number
    mallocMb: number
    heapUsedMb: number
    retainedMb: number
    externalMb: number
    handles: number
    phase: string
  }[] = []
  const snapshotDir = argText('snapshots')
  const snapshotsTaken = new Set<string>()
  let fired = 0
  let fireRefused = 0
  let stopping = false

  // Exporters and the channel go down for the middle third and come back.
  const outage = setInterval(() => {
    const down = phaseOf(Date.now()) === 'down'
    otlp.mode = down ? 'blackhole' : 'ok'
    loki.mode = down ? '500' : 'ok'
    receiver.fail(down ? () => ({ status: 503 }) : undefined)
  }, 250)

  const sampler = setInterval(() => {
    const f = processFigures(child.pid!)
    const { heapUsedMb, retainedMb, externalMb, handles } = inner
    const at = Date.now()
    samples.push({ at, ...f, heapUsedMb, retainedMb, externalMb, handles, phase: phaseOf(at) })
    if (process.env.SOAK_TRACE)
      process.stderr.write(`${JSON.stringify({ s: Math.round((at - started) / 1000), ...f, ...inner })}\n`)
    // Heap snapshots after warm-up, at the end of the outage and near the end, to compare retained objects.
    if (snapshotDir) {
      const f2 = (at - started) / totalMs
      for (const [name, from] of [
        ['1-warm', 0.15],
        ['2-outage', 0.62],
        ['3-end', 0.95],
      ] as const) {
        if (f2 >= from && !snapshotsTaken.has(name)) {
          snapshotsTaken.add(name)
          child.send({ snapshot: join(snapshotDir, `${name}.heapsnapshot`) })
          break
        }
      }
    }
  }, 5000)

  // Open-loop load at `rate` requests a second spread over the connections.
  const perConnectionMs = (1000 * connections) / rate
  const workers = Array.from({ length: connections }, async (_, c) => {
    let next = Date.now() + (perConnectionMs * c) / connections
    let i = 0
    while (!stopping) {
      const wait = next - Date.now()
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      next += perConnectionMs
      const t0 = performance.now()
      const phase = phaseOf(Date.now())
      try {
        const res = await request(`${base}/orders/${c}-${i++}`, { dispatcher: agent })
        await res.body.dump()
        if (res.statusCode !== 200) errors[phase]++
      } catch {
        errors[phase]++
      }
      // The first tenth warms up (JIT, connections, first exports) and is not counted.
      if (Date.now() - started >= totalMs * 0.1) latencies[phase].push(performance.now() - t0)
    }
  })

  const firing = (async () => {
    let n = 0
    while (!stopping) {
      await new Promise((r) => setTimeout(r, 2000))
      if (stopping) break
      const res = await request(`${base}/observability/alerts/fire/acme`, {
        method: 'POST',
        dispatcher: agent,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ alertname: `Soak${n++}`, severity: 'critical', summary: 'soak' }),
      }).catch(() => undefined)
      if (res?.statusCode === 202) {
        await res.body.dump()
        fired++
      } else {
        if (fireRefused++ === 0)
          process.stderr.write(`fire refused: ${res?.statusCode} ${await res?.body.text()}\n`)
      }
    }
  })()

  await new Promise((r) => setTimeout(r, totalMs))
  stopping = true
  await Promise.all([...workers, firing])
  clearInterval(outage)
  clearInterval(sampler)
  otlp.mode = 'ok'
  loki.mode = 'ok'
  receiver.fail(undefined)

  // Everything the API accepted is promised: wait (bounded) for the outbox to catch up.
  const drainStarted = Date.now()
  const deliveredKeys = (kind: 'pagerduty' | 'webhook') =>
    new Set(receiver.delivered(kind).map((r) => r.idempotencyKey)).size
  while (
    (deliveredKeys('pagerduty') < fired || deliveredKeys('webhook') < fired) &&
    Date.now() - drainStarted < 300_000
  ) {
    await new Promise((r) => setTimeout(r, 500))
  }
  const drainSeconds = (Date.now() - drainStarted) / 1000
  const metrics = await (
    await request(`${base}/metrics`, { dispatcher: agent, headers: { authorization: `Bearer ${KEY}` } })
  ).body.text()
  const counter = (series: RegExp) =>
    metrics
      .split('\n')
      .filter((l) => series.test(l))
      .reduce((s, l) => s + Number(l.split(' ').at(-1)), 0)

  child.kill('SIGTERM')
  await new Promise((r) => child.once('exit', r))
  await agent.close()
  await Promise.all([otlp.close(), loki.close(), receiver.close()])

  const warm = samples.filter((s) => s.at - started >= totalMs * 0.1)
  const hours = (ms: number) => ms / 3_600_000
  const rssSlope = slope(warm.map((s) => [hours(s.at - started), s.rssMb]))
  const fdSlope = slope(warm.map((s) => [hours(s.at - started), s.fds]))
  const perPhase = (key: 'rssMb' | 'mallocMb' | 'heapUsedMb' | 'retainedMb' | 'handles' | 'fds') => {
    const known = warm.filter((s) => Number.isFinite(s[key]))
    return {
      slopePerHour: slope(known.map((s) => [hours(s.at - started), s[key]])),
      // Slope over the last third alone (exporters back up): a leak keeps climbing, a settled heap does not.
      lastThirdSlopePerHour: slope(
        known.filter((s) => s.at - started >= (totalMs * 2) / 3).map((s) => [hours(s.at - started), s[key]]),
      ),
      first: known[0]?.[key],
      last: known.at(-1)?.[key],
      max: Math.max(...samples.map((s) => s[key]).filter(Number.isFinite)),
    }
  }
  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b)
    return { n: sorted.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) }
  }
  const up = stats(latencies.up)
  const down = stats(latencies.down)
  const pagesPerKey = new Map<string, number>()
  for (const r of receiver.delivered())
    pagesPerKey.set(
      `${r.kind}|${r.idempotencyKey}`,
      (pagesPerKey.get(`${r.kind}|${r.idempotencyKey}`) ?? 0) + 1,
    )
  const result = {
    minutes,
    rate,
    connections,
    cpus: cpus().length,
    loadavg1: loadavg()[0],
    rssMb: { first: warm[0]?.rssMb, last: warm.at(-1)?.rssMb, max: Math.max(...samples.map((s) => s.rssMb)) },
    rssSlopeMbPerHour: rssSlope,
    fds: { first: warm[0]?.fds, last: warm.at(-1)?.fds, max: Math.max(...samples.map((s) => s.fds)) },
    fdSlopePerHour: fdSlope,
    rss: perPhase('rssMb'),
    heapUsed: perPhase('heapUsedMb'),
    heapRetainedAfterFullGc: perPhase('retainedMb'),
    mallocArena: perPhase('mallocMb'),
    handles: perPhase('handles'),
    fdsByPhase: perPhase('fds'),
    resourcesAtEnd: inner.resources,
    node: process.version,
    latencyMs: { up, down, p99DownOverUp: down.p99 / up.p99 },
    requestErrors: errors,
    alerts: {
      acceptedByApi: fired,
      refusedByApi: fireRefused,
      deliveredPagerDuty: deliveredKeys('pagerduty'),
      deliveredWebhook: deliveredKeys('webhook'),
      lost: 2 * fired - deliveredKeys('pagerduty') - deliveredKeys('webhook'),
      pagedTwice: [...pagesPerKey.values()].filter((n) => n > 1).length,
      repeatsDroppedByKey: receiver.accepted().filter((r) => r.repeat).length,
      drainSeconds,
    },
    telemetry: {
      spansExported: counter(/^lookout_spans_exported_total/),
      spansDropped: counter(/^lookout_spans_dropped_total/),
      logEntriesDropped: counter(/^lookout_log_entries_dropped_total|^lookout_log_lines_dropped_total/),
      lokiEntriesReceived: loki.entries.length,
    },
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
}

if (process.argv.includes('--server')) await server()
else await main()
