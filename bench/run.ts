/**
 * `npm run bench`: Lookout's cost per request as a user measures it. The package is packed (`npm pack` of a fresh
 * build) and installed with the peer libraries into an app outside the repository (app.ts), once per Node version;
 * every row of configs.ts is measured co-scheduled against its framework's bare server (coscheduled.ts) on the host
 * as it is; tracing rows of both sides export to a loopback OTLP sink running on the client core.
 *
 *   npm run bench                                       # 5 rounds × 8 s per row, the current Node
 *   npm run bench -- --node=/opt/node22/bin/node,/opt/node24/bin/node --docs
 *   npm run bench -- --quick                            # 2 rounds × 2 s: checks the harness, judges nothing
 *   npm run bench -- --only=lookout-readme,peer-full-trace10 --rounds=3
 *
 * Options: `--node=<binaries>` (comma-separated; or LOOKOUT_BENCH_NODE; default the Node running this),
 * `--rounds`, `--duration` (s), `--warmup` (s), `--connections`, `--only=<rows>`, `--node-flags="<flags>"` (for
 * every server; default none, as users run node), `--host-tuned` (adds rows measured with the load generator's
 * core kept polling, see clientIdle.ts: labelled, never judged; needs root), `--out=<name>` (default `bench`, `quick` with --quick:
 * bench/results/<name>.json and .md), `--docs` (rewrites the generated section of docs/performance.md), `--render`
 * (measures nothing: writes the .md, and with --docs the docs section, again from bench/results/<name>.json).
 *
 * A/B of two builds: `--baseline-root=<checkout>` compares every row with the same row served by the package
 * packed from another checkout (built there, with its node_modules) instead of with bare; targets are not judged:
 *
 *   mkdir /tmp/prev && git archive HEAD~1 | tar -x -C /tmp/prev && ln -s "$PWD/node_modules" /tmp/prev/
 *   npm run bench -- --only=lookout-readme --baseline-root=/tmp/prev --rounds=9 --out=ab
 * Needs Linux with two cores, `wrk` and `taskset`.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, release, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { packLookout } from '../test/support/packedLookout.ts'
import { type BenchApp, packCheckout, prepareApp } from './app.ts'
import { applyClientIdle } from './clientIdle.ts'
import { BARE, CONFIGS, type Config, HOST_TUNED_ROWS, ROUTE_PATH, TARGETS } from './configs.ts'
import { CLIENT_CORE, coreTicks, measureCoscheduled, SERVER_CORE } from './coscheduled.ts'
import {
  type BenchResults,
  type ResultRow,
  type RowOnNode,
  renderDocsSection,
  renderResults,
  replaceDocsSection,
} from './report.ts'
import { type SpawnedServer, spawnServer, stopServer } from './spawnServer.ts'

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url))
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, ...v] = a.replace(/^--/, '').split('=')
    return [k!, v.length > 0 ? v.join('=') : 'true'] as const
  }),
)
const quick = args.has('quick')
const rounds = Number(args.get('rounds') ?? (quick ? 2 : 5))
const duration = Number(args.get('duration') ?? (quick ? 2 : 8))
const warmup = Number(args.get('warmup') ?? (quick ? 1 : 3))
const connections = Number(args.get('connections') ?? 32)
const nodeFlags = (args.get('node-flags') ?? '').split(' ').filter(Boolean)
const out = args.get('out') ?? (quick ? 'quick' : 'bench')
const nodes = (args.get('node') ?? process.env.LOOKOUT_BENCH_NODE ?? process.execPath)
  .split(',')
  .filter(Boolean)
const only = args.get('only')?.split(',')
const hostTuned = args.has('host-tuned')
const writeDocs = args.has('docs')
const baselineRoot = args.get('baseline-root')
if (baselineRoot !== undefined && writeDocs)
  throw new Error('--docs takes a run against bare, not an A/B run')

const rows = CONFIGS.filter((c) => only === undefined || only.includes(c.name))
for (const name of only ?? []) {
  if (!CONFIGS.some((c) => c.name === name)) throw new Error(`unknown row ${name}`)
}
const tunedRows = hostTuned ? rows.filter((c) => (HOST_TUNED_ROWS as readonly string[]).includes(c.name)) : []

function preflight(): void {
  if (cpus().length < 2) throw new Error('the method needs two cores (servers on core 0, load on core 1)')
  for (const tool of ['wrk', 'taskset']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' })
    } catch {
      throw new Error(`${tool} is not installed (apt-get install ${tool === 'wrk' ? 'wrk' : 'util-linux'})`)
    }
  }
}

function commit(root = REPO_ROOT): string {
  const git = (...a: string[]) => execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim()
  try {
    const changed = git('status', '--porcelain', '--untracked-files=no') !== ''
    return `${git('rev-parse', '--short=10', 'HEAD')}${changed ? ' with uncommitted changes' : ''}`
  } catch {
    return 'unknown'
  }
}

/** Requests and bytes the sink has received, per path. */
async function sinkStats(port: number): Promise<Record<string, { requests: number; bytes: number }>> {
  const res = await fetch(`http://127.0.0.1:${port}/stats`)
  return (await res.json()) as Record<string, { requests: number; bytes: number }>
}

function diffStats(
  before: Record<string, { requests: number; bytes: number }>,
  after: Record<string, { requests: number; bytes: number }>,
): Record<string, { requests: number; bytes: number }> {
  const diff: Record<string, { requests: number; bytes: number }> = {}
  for (const [path, a] of Object.entries(after)) {
    const b = before[path] ?? { requests: 0, bytes: 0 }
    if (a.requests > b.requests) diff[path] = { requests: a.requests - b.requests, bytes: a.bytes - b.bytes }
  }
  return diff
}

async function measureRow(
  app: BenchApp,
  baselineApp: BenchApp | undefined,
  sinkPort: number,
  config: Config,
): Promise<RowOnNode> {
  const otlp = `http://127.0.0.1:${sinkPort}`
  const start =
    (c: Config, from = app) =>
    (): Promise<SpawnedServer> =>
      spawnServer(from, c.script, {
        core: SERVER_CORE,
        nodeFlags,
        env: {
          BENCH_OTLP_ENDPOINT: otlp,
          ...(c.lookoutOptions ? { BENCH_LOOKOUT_OPTIONS: JSON.stringify(c.lookoutOptions(otlp)) } : {}),
          ...c.env,
        },
      })
  const before = await sinkStats(sinkPort)
  const m = await measureCoscheduled({
    startBare: baselineApp ? start(config, baselineApp) : start(BARE[config.framework]),
    startConfig: start(config),
    path: ROUTE_PATH,
    rounds,
    duration,
    warmup,
    connections,
    log: (line) => console.log(`  ${config.name} on ${app.nodeVersion}: ${line}`),
  })
  return { ...m, otlp: diffStats(before, await sinkStats(sinkPort)) }
}

async function main(): Promise<void> {
  preflight()
  const started = new Date().toISOString()
  const loadAverageStart = loadavg()
  const stealStart = coreTicks('all')
  console.log('packing lookout …')
  const tarball = await packLookout()
  const baselineTarball = baselineRoot === undefined ? undefined : await packCheckout(baselineRoot)
  const idleAsFound = applyClientIdle('as-is').settings.guestHaltPollNs
  const measured = new Map<string, Record<string, RowOnNode>>()
  const apps: BenchApp[] = []
  for (const node of nodes) {
    const app = await prepareApp(tarball, node)
    const baselineApp = baselineTarball === undefined ? undefined : await prepareApp(baselineTarball, node)
    apps.push(app)
    console.log(`${app.nodeVersion}: lookout ${app.lookoutVersion} from ${app.dir}`)
    const sink = await spawnServer(app, 'otlp-sink.mjs', { core: CLIENT_CORE })
    try {
      const plan = [
        ...rows.map((c) => ({ config: c, key: c.name, tuned: false })),
        ...tunedRows.map((c) => ({ config: c, key: `${c.name}+host-tuned`, tuned: true })),
      ]
      for (const { config, key, tuned } of plan) {
        const idle = tuned ? applyClientIdle('poll') : undefined
        try {
          if (idle && idle.settings.guestHaltPollNs !== 200_000) {
            console.log(`  ${key}: the halt-poll window could not be set (needs root and haltpoll); skipped`)
            continue
          }
          const result = await measureRow(app, baselineApp, sink.port, config)
          measured.set(key, { ...measured.get(key), [app.nodeVersion]: result })
        } finally {
          idle?.restore()
        }
      }
    } finally {
      await stopServer(sink.child)
    }
  }
  const stealEnd = coreTicks('all')
  const resultRows: ResultRow[] = [...measured.entries()].map(([key, byNode]) => {
    const tuned = key.endsWith('+host-tuned')
    const config = CONFIGS.find((c) => c.name === key.replace(/\+host-tuned$/, ''))!
    return {
      name: config.name,
      label: tuned ? `${config.label}, client core polling (\`--host-tuned\`)` : config.label,
      versus: baselineRoot === undefined ? BARE[config.framework].label : `the same row from ${baselineRoot}`,
      hostTuned: tuned,
      byNode,
    }
  })
  const first = apps[0]!
  const results: BenchResults = {
    started,
    finished: new Date().toISOString(),
    quick,
    host: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      kernel: release(),
      loadAverageStart: loadAverageStart.map((x) => Math.round(x * 100) / 100),
      loadAverageEnd: loadavg().map((x) => Math.round(x * 100) / 100),
      stealPercent:
        Math.round(
          ((stealEnd.steal - stealStart.steal) / Math.max(1, stealEnd.total - stealStart.total)) * 1000,
        ) / 10,
    },
    lookout: { version: first.lookoutVersion, commit: commit(), tarballSha256: first.tarballSha256 },
    ...(baselineRoot === undefined ? {} : { baseline: { root: baselineRoot, commit: commit(baselineRoot) } }),
    settings: {
      path: ROUTE_PATH,
      rounds,
      duration,
      warmup,
      connections,
      nodeFlags,
      guestHaltPollNs: idleAsFound,
    },
    nodes: apps.map((a) => ({ version: a.nodeVersion, packages: a.packages })),
    rows: resultRows,
  }
  mkdirSync(`${REPO_ROOT}bench/results`, { recursive: true })
  writeFileSync(`${REPO_ROOT}bench/results/${out}.json`, `${JSON.stringify(results, null, 2)}\n`)
  write(results)
}

/** Writes bench/results/<out>.md (and with --docs the section of docs/performance.md) from a run's results. */
function write(results: BenchResults): void {
  const file = `bench/results/${out}`
  const targets = results.baseline === undefined ? TARGETS : []
  writeFileSync(`${REPO_ROOT}${file}.md`, renderResults(results, targets))
  if (writeDocs) {
    const docs = `${REPO_ROOT}docs/performance.md`
    writeFileSync(
      docs,
      replaceDocsSection(readFileSync(docs, 'utf8'), renderDocsSection(results, TARGETS, `${file}.md`)),
    )
  }
  console.log(`\n${renderResults(results, targets)}`)
  console.log(`\nwrote ${file}.json and ${file}.md${writeDocs ? ' and docs/performance.md' : ''}`)
}

if (args.has('render')) {
  // Only the writing: the .md (and docs with --docs) again from an existing results file.
  write(JSON.parse(readFileSync(`${REPO_ROOT}bench/results/${out}.json`, 'utf8')) as BenchResults)
} else {
  await main()
}
