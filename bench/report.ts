/**
 * The benchmark's results file and what is written from it: the targets judged, the results table
 * (bench/results/<name>.md) and the generated section of docs/performance.md. Pure functions of the results.
 */
import { quantile, type Round, type Summary } from './coscheduled.ts'

/** One row measured on one Node version. */
export interface RowOnNode {
  readonly throughput: Summary
  readonly cpuPerRequest: Summary
  readonly bareUsPerRequest: number
  readonly usPerRequest: number
  readonly remeasured: number
  readonly errors: number
  /** What the configuration's process sent the OTLP sink during its rounds (requests and bytes per path). */
  readonly otlp: Readonly<Record<string, { requests: number; bytes: number }>>
  readonly rounds: readonly Round[]
}

/** One row of the results: a configuration against its bare server, per Node version. */
export interface ResultRow {
  readonly name: string
  readonly label: string
  /** The bare server's label (`bare Fastify`). */
  readonly versus: string
  /** Measured with the host tuned (not the budget's method): an extra row, never judged. */
  readonly hostTuned: boolean
  /** Keyed by Node version (`v24.11.0`). */
  readonly byNode: Readonly<Record<string, RowOnNode>>
}

/** What `npm run bench` writes to bench/results/<name>.json. */
export interface BenchResults {
  readonly started: string
  readonly finished: string
  readonly quick: boolean
  readonly host: {
    readonly cpu: string
    readonly cores: number
    readonly memoryGiB: number
    readonly kernel: string
    readonly loadAverageStart: readonly number[]
    readonly loadAverageEnd: readonly number[]
    /** Share of all cores' time the hypervisor took (steal) from start to end, %. */
    readonly stealPercent: number
  }
  readonly lookout: { readonly version: string; readonly commit: string; readonly tarballSha256: string }
  /** An A/B run (`--baseline-root`): every row was compared with the same row from this checkout. */
  readonly baseline?: { readonly root: string; readonly commit: string }
  readonly settings: {
    readonly path: string
    readonly rounds: number
    readonly duration: number
    readonly warmup: number
    readonly connections: number
    readonly nodeFlags: readonly string[]
    /** The guest halt-poll window during the as-is rows (ns), `null` without the haltpoll driver. */
    readonly guestHaltPollNs: number | null
  }
  /** Node versions in the order measured, with the peer libraries' versions of each app. */
  readonly nodes: readonly { readonly version: string; readonly packages: Readonly<Record<string, string>> }[]
  readonly rows: readonly ResultRow[]
}

/** A target (see TARGETS in configs.ts). */
export interface TargetSpec {
  readonly label: string
  readonly row: string
  readonly over?: string
  readonly min: number
}

/** A target judged on one Node version: the value (`null` when a row it needs was not measured). */
export interface Verdict {
  readonly value: number | null
  readonly met: boolean | null
}

/**
 * Judges a target on one Node version: the row's median throughput ratio to bare (or its ratio to another row's),
 * met when at least `min`. Host-tuned rows are never judged.
 *
 * @example
 * judge(results, { label: 'metrics only', row: 'lookout-metrics-only', min: 0.9 }, 'v24.11.0') // { value: 0.93, met: true }
 */
export function judge(results: BenchResults, target: TargetSpec, node: string): Verdict {
  const ratio = (name: string) =>
    results.rows.find((r) => r.name === name && !r.hostTuned)?.byNode[node]?.throughput.median
  const value = ratio(target.row)
  const over = target.over === undefined ? 1 : ratio(target.over)
  if (value === undefined || over === undefined || over <= 0) return { value: null, met: null }
  const v = Math.round((value / over) * 1000) / 1000
  return { value: v, met: v >= target.min }
}

const cell = (s: Summary | undefined) =>
  s === undefined ? '—' : `${s.median.toFixed(2)} (${s.q1.toFixed(2)}–${s.q3.toFixed(2)})`

const verdictCell = (v: Verdict, target: TargetSpec) =>
  v.value === null
    ? 'not measured'
    : `${target.over === undefined ? v.value.toFixed(2) : `${v.value.toFixed(1)}×`} — **${v.met ? 'met' : 'not met'}**`

/** One sentence of where and how the run was made. */
export function describeRun(results: BenchResults): string {
  const h = results.host
  const s = results.settings
  const load = (xs: readonly number[]) => xs.map((x) => x.toFixed(2)).join(' / ')
  return [
    `${results.started.slice(0, 16).replace('T', ' ')} UTC${results.quick ? ' (**quick run**: too few rounds to judge by)' : ''}`,
    `${h.cpu}, ${h.cores} cores, ${h.memoryGiB} GiB, Linux ${h.kernel}`,
    `load average ${load(h.loadAverageStart)} at the start and ${load(h.loadAverageEnd)} at the end, steal ${h.stealPercent.toFixed(1)} %`,
    `Node ${results.nodes.map((n) => n.version).join(' and ')}`,
    `lookout ${results.lookout.version} (${results.lookout.commit}, tarball sha256 ${results.lookout.tarballSha256.slice(0, 12)})`,
    ...(results.baseline
      ? [
          `**A/B run**: each row against the same row from ${results.baseline.root} (${results.baseline.commit})`,
        ]
      : []),
    `GET ${s.path}, ${s.rounds} rounds × ${s.duration} s per row, each a fresh pair of processes after a ${s.warmup} s warm-up, ${s.connections} connections per wrk`,
    `node flags ${s.nodeFlags.length > 0 ? s.nodeFlags.join(' ') : 'none'}, guest halt-poll window ${s.guestHaltPollNs === null ? 'n/a' : `${s.guestHaltPollNs} ns`} as found`,
  ].join(' · ')
}

/** The results table: each row's median throughput ratio to its bare server (IQR) per Node version. */
export function renderTable(results: BenchResults): string[] {
  const nodes = results.nodes.map((n) => n.version)
  return [
    `| configuration | compared with | ${nodes.map((n) => `Node ${n}`).join(' | ')} |`,
    `|---|---|${nodes.map(() => '---:').join('|')}|`,
    ...results.rows.map(
      (r) =>
        `| ${r.hostTuned ? `${r.label} — _host tuned, not the budget's method_` : r.label} | ${r.versus} | ${nodes.map((n) => cell(r.byNode[n]?.throughput)).join(' | ')} |`,
    ),
  ]
}

/** The targets, judged per Node version. */
export function renderTargets(results: BenchResults, targets: readonly TargetSpec[]): string[] {
  const nodes = results.nodes.map((n) => n.version)
  return [
    `| target | ${nodes.map((n) => `Node ${n}`).join(' | ')} |`,
    `|---|${nodes.map(() => '---').join('|')}|`,
    ...targets.map(
      (t) => `| ${t.label} | ${nodes.map((n) => verdictCell(judge(results, t, n), t)).join(' | ')} |`,
    ),
  ]
}

const busy = (rounds: readonly Round[]) =>
  rounds.length === 0
    ? '—'
    : `${Math.round(
        quantile(
          rounds.map((r) => r.serverCoreBusy),
          0.5,
        ) * 100,
      )} %`

/** Per row and Node version: CPU-per-request ratio, CPU per request, what reached the OTLP sink, rounds again. */
export function renderDetails(results: BenchResults): string[] {
  const lines = [
    '| configuration | Node | throughput ratio (IQR) | CPU-per-request ratio (IQR) | µs CPU / request (compared with / this) | server core busy (median) | OTLP exports (requests, KiB) | rounds measured again (failed requests) |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ]
  for (const r of results.rows) {
    for (const [node, m] of Object.entries(r.byNode)) {
      const otlp = Object.entries(m.otlp)
        .map(([path, x]) => `${path} ${x.requests}, ${Math.round(x.bytes / 1024)}`)
        .join('; ')
      lines.push(
        `| ${r.name}${r.hostTuned ? ' (host tuned)' : ''} | ${node} | ${cell(m.throughput)} | ${cell(m.cpuPerRequest)} | ${m.bareUsPerRequest} / ${m.usPerRequest} | ${busy(m.rounds)} | ${otlp || 'none'} | ${m.remeasured} (${m.errors}) |`,
      )
    }
  }
  return lines
}

/** bench/results/<name>.md. */
export function renderResults(results: BenchResults, targets: readonly TargetSpec[]): string {
  return [
    '# Co-scheduled throughput (`npm run bench`)',
    '',
    `${describeRun(results)}.`,
    '',
    'Median ratio of requests served to the bare server in the same seconds on the same core (interquartile range in brackets; 1.00 = free).',
    '',
    ...renderTable(results),
    '',
    ...(targets.length > 0 ? ['## Targets', '', ...renderTargets(results, targets), ''] : []),
    '## Details',
    '',
    ...renderDetails(results),
    '',
    `Peer libraries: ${Object.entries(results.nodes[0]?.packages ?? {})
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}.`,
    '',
  ].join('\n')
}

/** The generated part of docs/performance.md. */
export function renderDocsSection(
  results: BenchResults,
  targets: readonly TargetSpec[],
  file: string,
): string {
  return [
    `${describeRun(results)}. Median throughput ratio to the bare server (interquartile range in brackets; 1.00 = free); per-round figures, CPU per request and what reached the OTLP sink are in \`${file}\`.`,
    '',
    ...renderTable(results),
    '',
    ...renderTargets(results, targets),
  ].join('\n')
}

export const DOCS_START =
  '<!-- bench-results:start (generated by npm run bench -- --docs; do not edit by hand) -->'
export const DOCS_END = '<!-- bench-results:end -->'

/**
 * Replaces the text between the generated-section markers of `doc` with `section`.
 *
 * @throws Error when the markers are missing or out of order
 */
export function replaceDocsSection(doc: string, section: string): string {
  const start = doc.indexOf(DOCS_START)
  const end = doc.indexOf(DOCS_END)
  if (start < 0 || end < start) throw new Error('docs/performance.md has no bench-results markers in order')
  return `${doc.slice(0, start + DOCS_START.length)}\n\n${section}\n\n${doc.slice(end)}`
}
