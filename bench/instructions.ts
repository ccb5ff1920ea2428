/**
 * Instructions per request, counted by valgrind's callgrind: a figure this shared machine's noise does not move.
 * Throughput ratios here swing by ±15 % from one second to the next with the host's other guests (see
 * docs/performance.md); the number of instructions the server's main thread executes per request does not
 * (~6 % between runs). It is not time — cache and TLB misses are not in it — so it complements `npm run bench` and
 * does not replace it: use it to judge a change to the request path. Servers run from the same app outside the
 * repository as `npm run bench` (the packed package, app.ts), with the Node running this script.
 *
 *   npm run bench:instructions -- --only=fastify-bare,lookout-metrics-only
 *   npm run bench:instructions -- --warmup=30000 --requests=4000 --out=instructions
 *
 * Each configuration runs once under `valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes`:
 * `--warmup` requests uninstrumented (so the JIT reaches its steady state at native speed), then instrumentation
 * on for exactly `--requests` requests (autocannon, 8 connections), then a dump. The main thread's count (GC and
 * compiler helper threads excluded) over the request count is the figure, and its ratio to the framework's bare
 * server; every thread's count (TurboFan's concurrent compiles, GC helpers, libuv pool) is reported beside it — on
 * a pinned core those threads run too, and they vary more between runs. `--keep` keeps the dumps (for callgrind_annotate) and prints where.
 * Needs valgrind (`apt-get install valgrind`). Writes bench/results/<out>.json and .md (not kept in the repository).
 *
 * Periodic background work (health checks, timers, store loops) is counted in proportion to wall time, which
 * valgrind stretches ~100×: compare configurations whose background areas match.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { packLookout } from '../test/support/packedLookout.ts'
import { type BenchApp, prepareApp } from './app.ts'
import { BARE, CONFIGS, type Config, ROUTE_PATH } from './configs.ts'
import { spawnServer, stopServer } from './spawnServer.ts'

const args = process.argv.slice(2)
const keep = args.includes('--keep')
const arg = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const only = arg('only')?.split(',') ?? [
  'fastify-bare',
  'lookout-metrics-only',
  'lookout-readme',
  'fastify-metrics',
]
const ALL: readonly Config[] = [...Object.values(BARE), ...CONFIGS]
const warmup = Number(arg('warmup') ?? 30_000)
const requests = Number(arg('requests') ?? 4_000)
const outName = arg('out') ?? 'instructions'
// `--node-flags="--perf-basic-prof"` lets bench/callgrindByFunction.ts name the servers' JIT-compiled code.
const nodeFlags = arg('node-flags')?.split(' ').filter(Boolean) ?? []

/** Sends exactly `amount` requests (8 connections) and resolves when they are answered. */
async function send(port: number, amount: number): Promise<number> {
  const url = `http://127.0.0.1:${port}${ROUTE_PATH}`
  const result = await autocannon({ url, connections: 8, amount, timeout: 60 })
  return result.errors + result.non2xx
}

/** Runs one configuration under callgrind; returns the main thread's instructions over `requests` requests. */
async function count(
  app: BenchApp,
  otlp: string,
  config: Config,
): Promise<{ perRequest: number; allThreadsPerRequest: number; errors: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-callgrind-'))
  const { child, port } = await spawnServer(app, config.script, {
    nodeFlags,
    env: {
      BENCH_OTLP_ENDPOINT: otlp,
      ...(config.lookoutOptions
        ? { BENCH_LOOKOUT_OPTIONS: JSON.stringify(config.lookoutOptions(otlp)) }
        : {}),
      ...config.env,
    },
    wrapper: [
      'valgrind',
      '--tool=callgrind',
      '--instr-atstart=no',
      '--separate-threads=yes',
      '--smc-check=all-non-file',
      `--callgrind-out-file=${join(dir, 'cg.out')}`,
    ],
    startTimeoutMs: 180_000,
  })
  try {
    let errors = await send(port, warmup)
    const control = (option: string) =>
      execFileSync('callgrind_control', [option, String(child.pid)], { stdio: 'ignore' })
    control('--instr=on')
    errors += await send(port, requests)
    control('--dump')
    // The first dump's main-thread file: cg.out.1-01 (threads are numbered from 01, the main thread first).
    const main = readdirSync(dir).find((f) => f.endsWith('.1-01'))
    if (main === undefined) throw new Error(`${config.name}: callgrind wrote no dump (${readdirSync(dir)})`)
    const summaryOf = (file: string) => {
      const summary = /^summary:\s+(\d+)/m.exec(readFileSync(join(dir, file), 'utf8'))
      if (!summary) throw new Error(`${config.name}: no summary line in ${file}`)
      return Number(summary[1])
    }
    // Every thread of the same dump (GC helpers, compiler, libuv pool, workers): work the main-thread figure
    // leaves out but a pinned server core still runs.
    const all = readdirSync(dir)
      .filter((f) => /\.1-\d+$/.test(f))
      .reduce((sum, f) => sum + summaryOf(f), 0)
    return { perRequest: summaryOf(main) / requests, allThreadsPerRequest: all / requests, errors }
  } finally {
    child.kill('SIGKILL')
    if (keep) console.log(`  callgrind dumps kept in ${dir}`)
    else rmSync(dir, { recursive: true, force: true })
  }
}

async function main() {
  execFileSync('sh', ['-c', 'command -v valgrind && command -v callgrind_control'], { stdio: 'ignore' })
  const configs = ALL.filter((c) => only.includes(c.name))
  console.log(
    `instructions (callgrind): ${configs.length} configurations × GET ${ROUTE_PATH}, ${warmup} warm-up + ${requests} counted requests each`,
  )
  const app = await prepareApp(await packLookout(), process.execPath)
  const sink = await spawnServer(app, 'otlp-sink.mjs')
  const counts = new Map<string, { perRequest: number; allThreadsPerRequest: number; errors: number }>()
  for (const c of configs) {
    const r = await count(app, `http://127.0.0.1:${sink.port}`, c)
    counts.set(c.name, r)
    console.log(
      `  ${c.name.padEnd(28)} ${Math.round(r.perRequest).toString().padStart(8)} instructions/request (all threads ${Math.round(r.allThreadsPerRequest)})`,
    )
  }
  await stopServer(sink.child)
  const rows = configs.map((c) => {
    const r = counts.get(c.name)!
    const bare = counts.get(BARE[c.framework].name)
    return {
      config: c.name,
      description: c.label,
      instructionsPerRequest: Math.round(r.perRequest),
      // Bare over this configuration: the throughput ratio the instruction count alone would predict.
      ratioToBare: bare ? Number((bare.perRequest / r.perRequest).toFixed(3)) : Number.NaN,
      extraPerRequest: bare ? Math.round(r.perRequest - bare.perRequest) : Number.NaN,
      allThreadsPerRequest: Math.round(r.allThreadsPerRequest),
      allThreadsRatioToBare: bare
        ? Number((bare.allThreadsPerRequest / r.allThreadsPerRequest).toFixed(3))
        : Number.NaN,
      errors: r.errors,
    }
  })
  const report = {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model, node: process.version },
    lookout: { version: app.lookoutVersion, tarballSha256: app.tarballSha256 },
    settings: { path: ROUTE_PATH, warmup, requests, connections: 8 },
    rows,
  }
  const md = [
    '# Instructions per request (callgrind, main thread)',
    '',
    `${report.date} · ${report.machine.cpu} · Node ${report.machine.node} · GET ${ROUTE_PATH}: ${warmup} warm-up requests uninstrumented, then ${requests} counted. Run-to-run spread ~6 %.`,
    '',
    '| configuration | instructions / request | extra over bare | bare ÷ this | all threads / request | bare ÷ this (all threads) |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.config} | ${r.instructionsPerRequest} | ${r.extraPerRequest} | ${r.ratioToBare} | ${r.allThreadsPerRequest} | ${r.allThreadsRatioToBare} |`,
    ),
    '',
  ].join('\n')
  mkdirSync('bench/results', { recursive: true })
  writeFileSync(`bench/results/${outName}.json`, `${JSON.stringify(report, null, 2)}\n`)
  writeFileSync(`bench/results/${outName}.md`, md)
  console.log(md)
}

await main()
