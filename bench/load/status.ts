/**
 * Load benchmark of `GET /public/status` on loopback (a benchmark, not a test): a Fastify app with Lookout's
 * defaults (HTTP metrics, request log to /dev/null, context) serving the status page for three components with
 * 90 days of hourly history, hit by autocannon from a separate process.
 *
 * Two runs: plain GETs (200 with the ~15 KB document) and revalidations with `If-None-Match` (304), the way the
 * page refetches. The per-client rate limit is raised for the run: every autocannon connection comes from
 * 127.0.0.1, so the default limit (600/min) would answer 429 after the burst.
 *
 * Usage: node --conditions=lookout-source --import tsx bench/load/status.ts [--duration 10] [--connections 64]
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const DAY = 86_400_000
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}

async function server(): Promise<void> {
  const Fastify = (await import('fastify')).default
  const { createLookout } = await import('lookout')
  const { lookout: plugin } = await import('lookout/fastify')
  const pino = (await import('pino')).default
  const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-status-'))
  const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }))
  const check = (name: string) => ({ name, run: () => undefined })
  const instance = createLookout(
    {
      service: 'bench',
      metrics: { processMetrics: false, hostMetrics: false },
      tracing: { enabled: false },
      health: { checks: [check('postgres'), check('redis'), check('search')] },
      status: {
        // One sample before the run and none during it, so the 304 run revalidates one stable ETag (in production
        // the document changes once per sampling interval, 60 s by default).
        intervalMs: 3_600_000,
        rateLimit: { perMinute: 10_000_000, burst: 10_000_000 },
        components: [
          { id: 'postgres', name: 'Database' },
          { id: 'redis', name: 'Sessions cache' },
          { id: 'search', name: 'Search' },
        ],
      },
    },
    { env: { LOOKOUT_STORE_URL: `sqlite:${join(dir, 'bench.db')}` }, logger },
  )
  const app = Fastify()
  await app.register(plugin, { lookout: instance })
  await app.ready()
  const now = Date.now()
  const rows = []
  for (const component of ['postgres', 'redis', 'search']) {
    for (let t = now - 90 * DAY; t < now; t += 3_600_000) {
      rows.push({
        component,
        status: Math.random() < 0.01 ? 'degraded' : 'operational',
        latencyMs: 2,
        sampledAt: t,
      })
    }
  }
  await instance.store.healthSamples.insertMany(rows)
  await instance.status!.sampleNow()
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  process.stdout.write(`LISTENING ${address}\n`)
  process.once('SIGTERM', async () => {
    await app.close()
    rmSync(dir, { recursive: true, force: true })
    process.exit(0)
  })
}

async function main(): Promise<void> {
  const duration = arg('duration', 10)
  const connections = arg('connections', 64)
  const child = spawn(
    process.execPath,
    ['--conditions=lookout-source', '--import', 'tsx', fileURLToPath(import.meta.url), '--server'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString()
      const m = /LISTENING (\S+)/.exec(out)
      if (m) resolve(m[1]!)
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
  try {
    const first = await fetch(`${url}/public/status`)
    const size = (await first.arrayBuffer()).byteLength
    const run = (headers: Record<string, string>) =>
      autocannon({ url: `${url}/public/status`, connections, duration, headers })
    await autocannon({ url: `${url}/public/status`, connections, duration: 2 }) // warm-up
    const plain = await run({})
    const etag = (await fetch(`${url}/public/status`)).headers.get('etag') ?? ''
    const revalidate = await run({ 'if-none-match': etag })
    const line = (name: string, r: autocannon.Result) =>
      `${name}: ${Math.round(r.requests.average)} req/s (median ${r.requests.p50}), latency p50 ${r.latency.p50} ms, ` +
      `p99 ${r.latency.p99} ms, 2xx ${r['2xx']}, 3xx ${r['3xx']}, 4xx ${r['4xx']}, 5xx ${r['5xx']}, errors ${r.errors}`
    console.log(
      `GET /public/status, ${connections} connections, ${duration} s each, body ${size} bytes, node ${process.version}, ` +
        `load average before ${loadavg()[0]!.toFixed(2)} on ${cpus().length} CPUs`,
    )
    console.log(line('200 (full body)', plain))
    console.log(line('304 (If-None-Match)', revalidate))
  } finally {
    child.kill('SIGTERM')
  }
}

if (process.argv.includes('--server')) await server()
else await main()
