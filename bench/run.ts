/**
 * Lookout's benchmark runner: each server configuration in its own process on loopback, pinned to core 0, the
 * load generator (wrk when installed, else autocannon in this process) pinned to core 1; every configuration's
 * time cut into short slices that alternate with its framework's bare server, in blocks per configuration
 * (C1 B C1 B C1 … B, then C2 …), so the host's bursts of CPU steal hit both sides of each comparison; medians
 * reported with paired ratios to bare and per-request overhead.
 *
 *   npm run bench                 # full: 3 rounds × 8 s per configuration and route, a fresh server set per round
 *   npm run bench -- --quick      # short: 2 rounds × 3 s, hello route only
 *   npm run bench -- --only=fastify-bare,lookout-metrics --route=hello --no-micro
 *
 * Writes bench/results/latest.json and bench/results/latest.md (`--out=name` for another name); `--slice=1` sets the
 * slice length (s), `--block=4` the measured slices of one configuration in a row and `--max-steal=10` the host
 * steal (%) above which a slice triple is measured again; `--client-idle=poll|halt|as-is` how the load generator's
 * idle core waits during the run (bench/clientIdle.ts: a halting client core charges the server a VM exit per
 * wake-up).
 */
import { type ChildProcess, execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import autocannon from 'autocannon'
import { applyClientIdle, type ClientIdleSettings, clientIdleArg, describeClientIdle } from './clientIdle.ts'
import { autocannonRequest, baselineOf, CONFIGS, type Config, type ROUTES } from './configs.ts'
import { runMetricsMicro } from './micro/metrics.ts'
import { spawnServer } from './spawnServer.ts'
import { runWrk, wrkPath } from './wrk.ts'

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',')
const routeArg = args.find((a) => a.startsWith('--route='))?.slice(8)
const rounds = Number(args.find((a) => a.startsWith('--rounds='))?.slice(9) ?? (quick ? 2 : 3))
const duration = Number(args.find((a) => a.startsWith('--duration='))?.slice(11) ?? (quick ? 3 : 8))
/** Length of one measured slice (s): each configuration's `duration` is cut into slices that alternate with bare. */
const slice = Number(args.find((a) => a.startsWith('--slice='))?.slice(8) ?? 1)
/** Host steal (share of the server core's time) above which a slice triple is measured again; up to 4 attempts. */
const maxSteal = Number(args.find((a) => a.startsWith('--max-steal='))?.slice(12) ?? 10) / 100
const maxAttempts = 4
/** Measured slices of one configuration in a row (each between two bare slices) before the next one's turn. */
const block = Number(args.find((a) => a.startsWith('--block='))?.slice(8) ?? 4)
/**
 * Flags for every server's node (space-separated). Default: the young generation fixed at 16 MB. Left to V8, it
 * is sized by recent allocation, and the bare server — measured in every block, so the busiest process — would
 * grow the largest and run fastest, biasing every ratio against the configurations. `--node-flags=` (empty) leaves V8's sizing on.
 */
const nodeFlagsArg = args.find((a) => a.startsWith('--node-flags='))?.slice(13)
const nodeFlags = (nodeFlagsArg ?? '--min-semi-space-size=16 --max-semi-space-size=16')
  .split(' ')
  .filter(Boolean)
/** Result file name under bench/results/ (without extension). */
const outName = args.find((a) => a.startsWith('--out='))?.slice(6) ?? 'latest'
const connections = 32
/** How the load generator's idle core waits (`--client-idle=poll|halt|as-is`, default as-is; bench/clientIdle.ts). */
const clientIdleRequested = clientIdleArg(args.find((a) => a.startsWith('--client-idle='))?.slice(14))
const routes = (routeArg ? [routeArg] : quick ? ['hello'] : ['hello', 'orders']) as (keyof typeof ROUTES)[]
const configs = CONFIGS.filter((c) => !only || only.includes(c.name))

function pin(pid: number, core: number): boolean {
  try {
    execFileSync('taskset', ['-cp', String(core), String(pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : 0
}

interface Server {
  config: Config
  child: ChildProcess
  port: number
}

async function startServer(config: Config): Promise<Server> {
  const { child, port, stderr: err } = await spawnServer(config, { nodeFlags })
  if (err.trim()) process.stderr.write(`[${config.name}] ${err.trim()}\n`)
  pin(child.pid!, 0)
  return { config, child, port }
}

const loadGenerator = wrkPath ? 'wrk' : 'autocannon'

async function drive(port: number, route: keyof typeof ROUTES, seconds: number) {
  if (wrkPath) return runWrk(port, route, seconds, connections)
  const result = await autocannon({ ...autocannonRequest(port, route), connections, duration: seconds })
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  }
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** Steal and total ticks of one CPU (/proc/stat): time the hypervisor ran someone else while this VM wanted it. */
function cpuStealTicks(core: number): { steal: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${core} `))
  const f = (line ?? '').trim().split(/\s+/).slice(1).map(Number)
  return { steal: f[7] ?? 0, total: f.slice(0, 8).reduce((a, b) => a + b, 0) }
}

interface Sample {
  rps: number
  p50: number
  p99: number
  cpu: number
  steal: number
  errors: number
  /** Throughput of the bare server of the same framework in the slices just before and after (mean). */
  bareRps?: number
  /** Server CPU (cores) of those bare slices (mean). */
  bareCpu?: number
}

/** Drives one server for one slice and measures its CPU and the host's steal on its core. */
async function measure(s: Server, route: keyof typeof ROUTES, seconds: number): Promise<Sample> {
  const before = cpuTicks(s.child.pid!)
  const stealBefore = cpuStealTicks(0)
  const t0 = process.hrtime.bigint()
  const r = await drive(s.port, route, seconds)
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9
  const stealAfter = cpuStealTicks(0)
  const total = stealAfter.total - stealBefore.total
  return {
    ...r,
    cpu: (cpuTicks(s.child.pid!) - before) / 100 / elapsed,
    steal: total > 0 ? (stealAfter.steal - stealBefore.steal) / total : 0,
  }
}

async function main() {
  const clientIdle = applyClientIdle(clientIdleRequested)
  const pinnedSelf = pin(process.pid, 1)
  const slices = Math.max(1, Math.round(duration / slice))
  console.log(
    `bench (${loadGenerator}): ${configs.length} configurations × ${routes.join('+')} × ${rounds} rounds × ${slices} slices of ${slice} s, ${connections} connections; pinning ${pinnedSelf ? 'on' : 'unavailable'}`,
  )
  const samples = new Map<string, Sample[]>()
  const rss = new Map<string, number[]>()
  const steals: number[] = []
  let discarded = 0
  // Every configuration of a round runs in a fresh process: one process's JIT outcome is fixed for its life and
  // was seen to differ by up to 20 % between two starts of the same server, so a fresh set per round turns that
  // luck into sample variance, which the median absorbs. Within a round, each configuration takes its turn in
  // blocks of short slices alternating with its framework's bare server (B C B C … B): this machine's host changes
  // speed by the second (bare Fastify 17 k–62 k req/s in consecutive slices) and steals CPU in bursts, and a
  // configuration's slice is compared with the bare slices right before and after it, so both sides share them.
  for (let round = 1; round <= rounds; round++) {
    const servers: Server[] = []
    try {
      for (const c of configs) servers.push(await startServer(c))
      for (const s of servers) for (const route of routes) await drive(s.port, route, 2) // warm-up (JIT, caches)
      const groups = new Map<string, Server[]>()
      for (const s of servers) {
        const base = s.config.baseline ? s.config.name : baselineOf(s.config.name)
        groups.set(base, [...(groups.get(base) ?? []), s])
      }
      for (const route of routes) {
        for (let k = 0; k * block < slices; k++) {
          const pairs = Math.min(block, slices - k * block)
          for (const [base, members] of groups) {
            const bare = members.find((m) => m.config.name === base)
            const others = members.filter((m) => m !== bare)
            // Rotate the order per block, so no configuration always follows the same neighbour.
            const order = others.map((_, i) => others[(i + k) % others.length]!)
            if (order.length === 0 && bare) {
              for (let p = 0; p < pairs; p++) record(bare, route, await measure(bare, route, slice))
            }
            for (const s of order) await measureBlock(s, bare, route, pairs)
          }
        }
      }
      for (const s of servers)
        rss.set(s.config.name, [...(rss.get(s.config.name) ?? []), rssMb(s.child.pid!)])
    } finally {
      for (const s of servers) s.child.kill('SIGKILL')
    }
    /**
     * One block of a configuration: one unrecorded slice of it (it has been idle while the others ran), then
     * B C B C … B, so that configuration and bare have each been idle for one slice before every measured slice.
     * Measured with a second bare process as the configuration (fastify-bare-control), the previous schedule —
     * B C1 B C2 B C3 …, the bare server every other slice and each configuration after several idle ones — put
     * the identical process at 0.83 of bare.
     */
    async function measureBlock(
      s: Server,
      bare: Server | undefined,
      route: keyof typeof ROUTES,
      pairs: number,
    ): Promise<void> {
      await drive(s.port, route, slice)
      let previous = bare ? await measure(bare, route, slice) : undefined
      if (bare && previous) record(bare, route, previous)
      for (let p = 0; p < pairs; p++) {
        // A triple (bare, configuration, bare) where the host stole more than --max-steal of the server core's
        // time measures the host, not the server: it is discarded (counted) and measured again.
        for (let attempt = 1; ; attempt++) {
          const sample = await measure(s, route, slice)
          const next = bare ? await measure(bare, route, slice) : undefined
          const quiet =
            Math.max(previous?.steal ?? 0, sample.steal, next?.steal ?? 0) <= maxSteal ||
            attempt >= maxAttempts
          if (previous && next && quiet) {
            sample.bareRps = (previous.rps + next.rps) / 2
            sample.bareCpu = (previous.cpu + next.cpu) / 2
          }
          if (!quiet) discarded++
          record(s, route, sample)
          if (bare && next) record(bare, route, next)
          previous = next
          if (quiet) break
        }
      }
    }
    function record(s: Server, route: keyof typeof ROUTES, sample: Sample): void {
      const key = `${s.config.name}|${route}`
      samples.set(key, [...(samples.get(key) ?? []), sample])
      steals.push(sample.steal)
      console.log(
        `  round ${round} ${route.padEnd(6)} ${s.config.name.padEnd(28)} ${sample.rps.toFixed(0).padStart(7)} req/s  p99 ${sample.p99} ms  cpu ${(sample.cpu * 100).toFixed(0)} %  steal ${(sample.steal * 100).toFixed(0)} %${sample.bareRps ? `  ratio ${(sample.rps / sample.bareRps).toFixed(3)}` : ''}`,
      )
    }
  }

  const rows: Record<string, unknown>[] = []
  for (const route of routes) {
    for (const c of configs) {
      const e = samples.get(`${c.name}|${route}`)
      if (!e) continue
      const paired = e.filter((x) => x.bareRps !== undefined)
      const ratios = paired.map((x) => x.rps / x.bareRps!)
      // A bare server has no pairs: its ratios are 1 by definition.
      const pairedMedian = (xs: number[]) =>
        xs.length > 0 ? Number(median(xs).toFixed(3)) : c.baseline ? 1 : Number.NaN
      const rps = median(e.map((x) => x.rps))
      rows.push({
        route,
        config: c.name,
        description: c.description,
        rps: Math.round(rps),
        // Paired: each slice against the bare slices just before and after it, then the median.
        ratioToBare: pairedMedian(ratios),
        // Spread of the paired ratios (25th–75th percentile): how far one slice's figure can be trusted.
        ratioIqr:
          ratios.length > 0
            ? [quantile(ratios, 0.25), quantile(ratios, 0.75)].map((v) => Number(v.toFixed(3)))
            : [],
        // Server CPU time per request, bare over this configuration (paired the same way): equals ratioToBare
        // when both servers were CPU-bound, and stays meaningful when the load generator was starved instead.
        cpuRatioToBare: pairedMedian(paired.map((x) => x.rps / x.cpu / (x.bareRps! / x.bareCpu!))),
        overheadMicros:
          paired.length > 0
            ? Number(median(paired.map((x) => 1e6 / x.rps - 1e6 / x.bareRps!)).toFixed(2))
            : Number.NaN,
        p50ms: Number(median(e.map((x) => x.p50).filter(Number.isFinite)).toFixed(3)),
        p99ms: Number(median(e.map((x) => x.p99).filter(Number.isFinite)).toFixed(3)),
        serverCpu: Number(median(e.map((x) => x.cpu)).toFixed(2)),
        rssMb: Number(median(rss.get(c.name) ?? [0]).toFixed(1)),
        errors: e.reduce((a, x) => a + x.errors, 0),
        samples: e.length,
        ratios: ratios.map((r) => Number(r.toFixed(3))),
      })
    }
  }
  const ratioOf = (route: string, name: string) =>
    rows.find((r) => r.route === route && r.config === name)?.rps as number | undefined
  const vsPeer: Record<string, number> = {}
  for (const route of routes) {
    const full = ratioOf(route, 'lookout-full-trace10')
    const peer = ratioOf(route, 'peer-full-trace10')
    if (full && peer)
      vsPeer[`${route}: lookout-full-trace10 / peer-full-trace10`] = Number((full / peer).toFixed(2))
    const ex = ratioOf(route, 'express-lookout-full-trace10')
    const exPeer = ratioOf(route, 'express-peer-full-trace10')
    if (ex && exPeer)
      vsPeer[`${route}: express-lookout-full-trace10 / express-peer-full-trace10`] = Number(
        (ex / exPeer).toFixed(2),
      )
    const full100 = ratioOf(route, 'lookout-full-trace100')
    const peer100 = ratioOf(route, 'peer-full-trace100')
    if (full100 && peer100)
      vsPeer[`${route}: lookout-full-trace100 / peer-full-trace100`] = Number((full100 / peer100).toFixed(2))
  }

  clientIdle.restore()
  const micro = args.includes('--no-micro') ? undefined : await runMetricsMicro({ quick })
  const machine = {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    pinned: pinnedSelf,
    loadGenerator,
    // Share of the server core's time the hypervisor gave to another guest while this run measured.
    stealMedianPct: Number((median(steals) * 100).toFixed(1)),
    // Slice triples measured again because the host stole more than maxStealPct (after 4 attempts, kept).
    maxStealPct: maxSteal * 100,
    discardedSlices: discarded,
    stealP90Pct: Number(
      ([...steals].sort((x, y) => x - y)[Math.floor(steals.length * 0.9)]! * 100).toFixed(1),
    ),
  }
  const report = {
    date: new Date().toISOString(),
    machine,
    settings: {
      rounds,
      duration,
      slice,
      block,
      connections,
      quick,
      nodeFlags,
      clientIdle: clientIdle.settings,
    },
    throughput: rows,
    vsPeer,
    micro,
  }
  mkdirSync('bench/results', { recursive: true })
  writeFileSync(`bench/results/${outName}.json`, `${JSON.stringify(report, null, 2)}\n`)
  writeFileSync(`bench/results/${outName}.md`, renderMarkdown(report))
  console.log(renderMarkdown(report))
}

function renderMarkdown(report: {
  date: string
  machine: Record<string, unknown>
  settings: Record<string, unknown> & {
    nodeFlags: readonly string[]
    clientIdle?: ClientIdleSettings
  }
  throughput: Record<string, unknown>[]
  vsPeer: Record<string, number>
  micro?: Record<string, unknown>
}): string {
  const lines = [
    `# Benchmark results`,
    '',
    `${report.date} · ${report.machine.cpu} × ${report.machine.cores} cores · ${report.machine.memoryGiB} GiB · Node ${report.machine.node} · server pinned to core 0, load (${report.machine.loadGenerator}) on core 1: ${report.machine.pinned}`,
    `${report.settings.rounds} rounds × ${report.settings.duration} s per configuration and route, in ${report.settings.slice} s slices that alternate with the bare server of the same framework, in blocks of ${report.settings.block} per configuration after one unrecorded slice of it (C, B C B C … B; a fresh set of server processes per round, 2 s warm-up per route), ${report.settings.connections} connections; every server's node ran with ${report.settings.nodeFlags.length > 0 ? report.settings.nodeFlags.join(' ') : 'no extra flags'}; ${describeClientIdle(report.settings.clientIdle)}; req/s and latencies are medians of the slices, ratios and overheads are medians of each slice paired with the mean of the bare slices just before and after it. Host steal on the server core: median ${report.machine.stealMedianPct} %, p90 ${report.machine.stealP90Pct} % of the slices; ${report.machine.discardedSlices} slices measured again because steal passed ${report.machine.maxStealPct} %.`,
    '',
    '| route | configuration | req/s | ratio to bare | ratio IQR | CPU-per-request ratio | overhead µs/req | p50 ms | p99 ms | server CPU | RSS MB | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...report.throughput.map(
      (r) =>
        `| ${r.route} | ${r.config} | ${r.rps} | ${r.ratioToBare} | ${(r.ratioIqr as number[]).join('–')} | ${r.cpuRatioToBare} | ${r.overheadMicros} | ${r.p50ms} | ${r.p99ms} | ${r.serverCpu} | ${r.rssMb} | ${r.errors} |`,
    ),
    '',
    ...Object.entries(report.vsPeer).map(([k, v]) => `- ${k}: **${v}×**`),
    '',
  ]
  if (report.micro) {
    lines.push('## Micro-benchmarks', '', '```json', JSON.stringify(report.micro, null, 2), '```', '')
  }
  return lines.join('\n')
}

await main()
