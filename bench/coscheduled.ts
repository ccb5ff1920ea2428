/**
 * Co-scheduled throughput: each configuration and its bare server run *at the same time* on the same core (core 0),
 * each driven by its own wrk on core 1 with the same connection count, so the host's swings (CPU steal, neighbours'
 * cache traffic, frequency) hit both sides of every comparison at once instead of in neighbouring slices. Per round,
 * two figures:
 *
 * - **throughput ratio**: requests the configuration served ÷ requests bare served in the same seconds, while
 *   Linux's scheduler shared the core between the two (both always runnable, so each gets about half);
 * - **CPU-per-request ratio**: bare's CPU time per request ÷ the configuration's (utime + stime of every thread,
 *   from /proc), which does not depend on how evenly the core was shared.
 *
 * Medians and interquartile ranges over the rounds; `fastify-bare-control` (a second bare server) measures the
 * method's own bias. `--pairs=N` spreads the rounds over N fresh pairs of processes per configuration (default 1),
 * started in alternating order: one process's JIT outcome is fixed for its life, so rounds of one pair share it and
 * only fresh pairs sample it; the report gives each pair's medians. A round in which either wrk saw a failed
 * request (non-2xx, socket error, timeout) is measured again and counted. Every server's node runs with run.ts's
 * default node flags (a fixed 16 MB young generation). Needs wrk and taskset (Linux); servers import the built package.
 *
 *   node --import tsx bench/coscheduled.ts --only=fastify-bare-control,lookout-only-metrics,peer-fastify-metrics
 *   node --import tsx bench/coscheduled.ts --only=lookout-only-metrics --route=orders --rounds=12 --duration=4 --out=co-orders
 *   node --import tsx bench/coscheduled.ts --only=fastify-bare-control,lookout-only-metrics --rounds=24 --pairs=6
 *
 * `--client-idle=poll|halt|as-is` (default as-is): how the load generator's idle core waits for the run — see
 * bench/clientIdle.ts for why a halting client core charges the server a VM exit per wake-up.
 *
 * A/B of two builds: `--baseline=<configuration>` compares every configuration with that one instead of its bare
 * server, and `--baseline-root=<dir>` runs the baseline from another checkout (built, with node_modules), e.g. the
 * previous commit:
 *
 *   git worktree add /tmp/prev HEAD~1 && (cd /tmp/prev && ln -s "$OLDPWD/node_modules" . && npm run build)
 *   node --import tsx bench/coscheduled.ts --only=lookout-only-metrics --baseline=lookout-only-metrics --baseline-root=/tmp/prev
 *
 * Writes bench/results/<out>.json and .md (default `coscheduled`).
 */
import { type ChildProcess, execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { applyClientIdle, clientIdleArg, describeClientIdle } from './clientIdle.ts'
import { baselineOf, CONFIGS, ROUTES } from './configs.ts'
import { type SpawnedServer, spawnServer } from './spawnServer.ts'
import { runWrk } from './wrk.ts'

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v = 'true'] = a.replace(/^--/, '').split('=')
    return [k!, v] as const
  }),
)
const only = (args.get('only') ?? 'fastify-bare-control,lookout-only-metrics,peer-fastify-metrics').split(',')
const route = (args.get('route') ?? 'hello') as keyof typeof ROUTES
const rounds = Number(args.get('rounds') ?? 10)
const pairs = Number(args.get('pairs') ?? 1)
const duration = Number(args.get('duration') ?? 4)
const connections = Number(args.get('connections') ?? 32)
const out = args.get('out') ?? 'coscheduled'
const nodeFlags = (args.get('node-flags') ?? '--min-semi-space-size=16 --max-semi-space-size=16')
  .split(' ')
  .filter(Boolean)
const baselineName = args.get('baseline')
const baselineRoot = args.get('baseline-root')
if (!(route in ROUTES)) throw new Error(`unknown route ${route}`)
const clientIdle = applyClientIdle(clientIdleArg(args.get('client-idle')))

/** utime + stime of every thread of a process, in clock ticks (/proc/<pid>/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

/** One wrk run; rejects when wrk's output has no request count (the round is measured again). */
async function wrk(port: number, seconds: number): Promise<{ requests: number; errors: number }> {
  const result = await runWrk(port, route, seconds, connections)
  if (!Number.isFinite(result.requests)) throw new Error(`wrk reported no request count on port ${port}`)
  return result
}

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  const at = (s.length - 1) * q
  const lo = Math.floor(at)
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo)
}
const round3 = (x: number) => Math.round(x * 1000) / 1000
const median = (xs: readonly number[]) => round3(quantile(xs, 0.5))

interface Row {
  config: string
  baseline: string
  rounds: {
    pair: number
    bareRequests: number
    requests: number
    bareTicks: number
    ticks: number
    throughput: number
    cpu: number
  }[]
  throughput: { median: number; q1: number; q3: number }
  cpuPerRequest: { median: number; q1: number; q3: number }
  bareUsPerRequest: number
  usPerRequest: number
  /** Medians of each pair of processes' rounds: the spread between pairs is the processes' own variance. */
  pairs: { throughput: number; cpu: number }[]
  /** Failed requests of rounds that were measured again. */
  errors: number
  /** Rounds measured again (a load generator failed, or requests failed). */
  remeasured: number
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 5000).unref()
  })
}

const tick = 100 // clock ticks per second (USER_HZ) on Linux
const perPair = Math.ceil(rounds / pairs)
const rows: Row[] = []
for (const name of only) {
  const config = CONFIGS.find((c) => c.name === name)
  if (config === undefined) throw new Error(`unknown configuration ${name}`)
  const bare = CONFIGS.find((c) => c.name === (baselineName ?? baselineOf(name)))
  if (bare === undefined) throw new Error(`unknown baseline configuration ${baselineName}`)
  const row: Row['rounds'] = []
  const pairMedians: Row['pairs'] = []
  let errors = 0
  let remeasured = 0
  for (let p = 0; p < pairs && row.length < rounds; p++) {
    // A fresh pair of processes per pair (one process's JIT outcome is fixed for its life), started in
    // alternating order so neither side always starts first.
    const startBare = () => spawnServer(bare, { nodeFlags, cwd: baselineRoot })
    const startConfig = () => spawnServer(config, { nodeFlags })
    let a: SpawnedServer
    let b: SpawnedServer
    if (p % 2 === 0) {
      a = await startBare()
      b = await startConfig()
    } else {
      b = await startConfig()
      a = await startBare()
    }
    try {
      for (const s of [a, b]) execFileSync('taskset', ['-cp', '0', String(s.child.pid)], { stdio: 'ignore' })
      await Promise.all([wrk(a.port, 3), wrk(b.port, 3)]) // warm-up, together
      const pairRounds: Row['rounds'] = []
      let failures = 0
      while (pairRounds.length < perPair && row.length < rounds) {
        const ta = cpuTicks(a.child.pid!)
        const tb = cpuTicks(b.child.pid!)
        let wa: { requests: number; errors: number }
        let wb: { requests: number; errors: number }
        try {
          ;[wa, wb] = await Promise.all([wrk(a.port, duration), wrk(b.port, duration)])
          // A round with failed requests on either side compares different work (an error answer is cheaper
          // or dearer than the route's): it is measured again, and counted.
          if (wa.errors + wb.errors > 0) {
            errors += wa.errors + wb.errors
            throw new Error(`${wa.errors} / ${wb.errors} failed requests (bare / ${name})`)
          }
        } catch (err) {
          // Measured again at most 3 times per pair.
          if (++failures > 3) throw err
          remeasured++
          console.log(
            `  ${name}: pair ${p + 1} round measured again: ${(err as Error).message.slice(0, 200)}`,
          )
          continue
        }
        const bareTicks = cpuTicks(a.child.pid!) - ta
        const ticks = cpuTicks(b.child.pid!) - tb
        const result = {
          pair: p + 1,
          bareRequests: wa.requests,
          requests: wb.requests,
          bareTicks,
          ticks,
          throughput: wb.requests / wa.requests,
          cpu: bareTicks / wa.requests / (ticks / wb.requests),
        }
        pairRounds.push(result)
        row.push(result)
        console.log(
          `  ${name.padEnd(30)} pair ${p + 1} round ${pairRounds.length}: ${wa.requests} / ${wb.requests} requests, throughput ${result.throughput.toFixed(3)}, CPU per request ${result.cpu.toFixed(3)}`,
        )
      }
      pairMedians.push({
        throughput: median(pairRounds.map((x) => x.throughput)),
        cpu: median(pairRounds.map((x) => x.cpu)),
      })
    } finally {
      await Promise.all([stop(a.child), stop(b.child)])
    }
  }
  const summary = (xs: number[]) => ({
    median: median(xs),
    q1: round3(quantile(xs, 0.25)),
    q3: round3(quantile(xs, 0.75)),
  })
  const sum = (f: (x: Row['rounds'][number]) => number) => row.reduce((s, x) => s + f(x), 0)
  rows.push({
    config: name,
    baseline: bare.name,
    rounds: row,
    pairs: pairMedians,
    throughput: summary(row.map((x) => x.throughput)),
    cpuPerRequest: summary(row.map((x) => x.cpu)),
    bareUsPerRequest: round3((sum((x) => x.bareTicks) / tick / sum((x) => x.bareRequests)) * 1e6),
    usPerRequest: round3((sum((x) => x.ticks) / tick / sum((x) => x.requests)) * 1e6),
    errors,
    remeasured,
  })
}

clientIdle.restore()

const report = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
  settings: {
    route,
    rounds,
    pairs,
    duration,
    connections,
    nodeFlags,
    baselineRoot: baselineRoot ?? null,
    clientIdle: clientIdle.settings,
  },
  rows,
}
writeFileSync(join('bench', 'results', `${out}.json`), `${JSON.stringify(report, null, 2)}\n`)
const lines = [
  '# Co-scheduled throughput (bench/coscheduled.ts)',
  '',
  `${report.date} · ${report.machine.cpu} × ${report.machine.cores} cores · Node ${report.machine.node} · route ${route}: each configuration and its bare server at the same time on core 0, one wrk each on core 1 (${connections} connections), ${rounds} rounds of ${duration} s over ${pairs} pair(s) of fresh processes, each pair after a 3 s warm-up; node flags ${nodeFlags.join(' ') || 'none'}; ${describeClientIdle(clientIdle.settings)}${baselineRoot ? `; the baseline ran from ${baselineRoot}` : ''}. Ratios are medians over the rounds (IQR in brackets).`,
  '',
  '| configuration | vs | throughput ratio | CPU-per-request ratio | per-pair medians (throughput / CPU) | µs CPU / request (bare / this) | rounds measured again (failed requests) |',
  '|---|---|---:|---:|---|---:|---:|',
  ...rows.map(
    (x) =>
      `| ${x.config} | ${x.baseline} | ${x.throughput.median} (${x.throughput.q1}–${x.throughput.q3}) | ${x.cpuPerRequest.median} (${x.cpuPerRequest.q1}–${x.cpuPerRequest.q3}) | ${x.pairs.map((q) => `${q.throughput} / ${q.cpu}`).join('; ')} | ${x.bareUsPerRequest} / ${x.usPerRequest} | ${x.remeasured} (${x.errors}) |`,
  ),
  '',
]
writeFileSync(join('bench', 'results', `${out}.md`), lines.join('\n'))
console.log(lines.join('\n'))
