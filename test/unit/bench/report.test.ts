import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { BARE, CONFIGS, HOST_TUNED_ROWS, TARGETS } from '../../../bench/configs.ts'
import { summarize } from '../../../bench/coscheduled.ts'
import {
  type BenchResults,
  DOCS_END,
  DOCS_START,
  judge,
  type ResultRow,
  renderResults,
  renderTable,
  renderTargets,
  replaceDocsSection,
} from '../../../bench/report.ts'
import { parseWrk } from '../../../bench/wrk.ts'

const N24 = 'v24.22.3'
const N22 = 'v22.23.5'

function row(name: string, medians: Record<string, number>, hostTuned = false): ResultRow {
  return {
    name,
    label: `label of ${name}`,
    versus: 'bare Fastify',
    hostTuned,
    byNode: Object.fromEntries(
      Object.entries(medians).map(([node, median]) => [
        node,
        {
          throughput: { median, q1: median - 0.02, q3: median + 0.01 },
          cpuPerRequest: { median, q1: median, q3: median },
          bareUsPerRequest: 20,
          usPerRequest: 20 / median,
          remeasured: 0,
          errors: 0,
          otlp: {},
          rounds: [],
        },
      ]),
    ),
  }
}

function results(rows: ResultRow[]): BenchResults {
  return {
    started: '2026-12-06T08:40:00.000Z',
    finished: '2026-12-06T09:10:00.000Z',
    quick: false,
    host: {
      cpu: 'Test CPU',
      cores: 2,
      memoryGiB: 24,
      kernel: '6.1.0',
      loadAverageStart: [0.1, 0.2, 0.3],
      loadAverageEnd: [2, 1.5, 1],
      stealPercent: 0.4,
    },
    lookout: { version: '0.1.0', commit: 'abcdef1234', tarballSha256: 'f'.repeat(64) },
    settings: {
      path: '/users/42',
      rounds: 5,
      duration: 8,
      warmup: 3,
      connections: 32,
      nodeFlags: [],
      guestHaltPollNs: 0,
    },
    nodes: [
      { version: N22, packages: { fastify: '5.12.8' } },
      { version: N24, packages: { fastify: '5.12.8' } },
    ],
    rows,
  }
}

describe('judging the targets', () => {
  const measured = results([
    row('lookout-metrics-only', { [N22]: 0.89, [N24]: 0.91 }),
    row('lookout-full-trace10', { [N22]: 0.6, [N24]: 0.72 }),
    row('peer-full-trace10', { [N22]: 0.2, [N24]: 0.25 }),
    row('lookout-readme', { [N24]: 0.95 }, true),
  ])
  const cases: {
    name: string
    target: { label: string; row: string; over?: string; min: number }
    node: string
    expected: { value: number | null; met: boolean | null }
  }[] = [
    {
      name: 'a median at or above the line is met',
      target: { label: 'm', row: 'lookout-metrics-only', min: 0.9 },
      node: N24,
      expected: { value: 0.91, met: true },
    },
    {
      name: 'a median below the line is not met, on that Node only',
      target: { label: 'm', row: 'lookout-metrics-only', min: 0.9 },
      node: N22,
      expected: { value: 0.89, met: false },
    },
    {
      name: 'a multiple of another row is the ratio of the two medians',
      target: { label: 'p', row: 'lookout-full-trace10', over: 'peer-full-trace10', min: 3 },
      node: N22,
      expected: { value: 3, met: true },
    },
    {
      name: 'a multiple below the line is not met',
      target: { label: 'p', row: 'lookout-full-trace10', over: 'peer-full-trace10', min: 3 },
      node: N24,
      expected: { value: 2.88, met: false },
    },
    {
      name: 'a row measured only with the host tuned is never judged',
      target: { label: 'r', row: 'lookout-readme', min: 0.8 },
      node: N24,
      expected: { value: null, met: null },
    },
    {
      name: 'a row not measured on a Node version is not measured there',
      target: { label: 'x', row: 'node-lookout-full-trace10', min: 0.8 },
      node: N24,
      expected: { value: null, met: null },
    },
  ]
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(judge(measured, c.target, c.node), c.expected)
    })
  }

  test('the targets table gives every target a value and a verdict per Node version', () => {
    const lines = renderTargets(measured, [
      { label: 'metrics only ≥ 0.90', row: 'lookout-metrics-only', min: 0.9 },
      { label: '≥ 3× peer', row: 'lookout-full-trace10', over: 'peer-full-trace10', min: 3 },
      { label: 'README ≥ 0.80', row: 'lookout-readme', min: 0.8 },
    ])
    assert.deepEqual(lines, [
      `| target | Node ${N22} | Node ${N24} |`,
      '|---|---|---|',
      '| metrics only ≥ 0.90 | 0.89 — **not met** | 0.91 — **met** |',
      '| ≥ 3× peer | 3.0× — **met** | 2.9× — **not met** |',
      '| README ≥ 0.80 | not measured | not measured |',
    ])
  })
})

describe('the results table', () => {
  test('each row shows its median and interquartile range per Node version, and a dash where not measured', () => {
    const lines = renderTable(results([row('lookout-metrics-only', { [N24]: 0.91 })]))
    assert.equal(lines[2], `| label of lookout-metrics-only | bare Fastify | — | 0.91 (0.89–0.92) |`)
  })

  test("a host-tuned row says it is not the budget's method", () => {
    const lines = renderTable(results([row('lookout-readme', { [N24]: 0.95 }, true)]))
    assert.match(lines[2]!, /host tuned, not the budget's method/)
  })

  test('the results file names the host, its load and steal, the Node versions and the commit', () => {
    const md = renderResults(results([row('lookout-metrics-only', { [N24]: 0.91 })]), TARGETS)
    for (const part of [
      'Test CPU, 2 cores',
      'load average 0.10 / 0.20 / 0.30',
      'steal 0.4 %',
      N22,
      N24,
      'abcdef1234',
    ])
      assert.ok(md.includes(part), part)
  })
})

describe('the generated section of docs/performance.md', () => {
  test('is replaced between its markers, the text around them kept', () => {
    const doc = `# Title\n\nbefore\n${DOCS_START}\nold table\n${DOCS_END}\nafter\n`
    assert.equal(
      replaceDocsSection(doc, 'new table'),
      `# Title\n\nbefore\n${DOCS_START}\n\nnew table\n\n${DOCS_END}\nafter\n`,
    )
  })

  test('without its markers is an error, not a silently unchanged page', () => {
    assert.throws(() => replaceDocsSection('# Title\n', 'new table'), /no bench-results markers/)
  })

  test('docs/performance.md has the markers', () => {
    const doc = readFileSync(new URL('../../../docs/performance.md', import.meta.url), 'utf8')
    assert.doesNotThrow(() => replaceDocsSection(doc, 'x'))
  })
})

describe('the rows', () => {
  test('every row and bare server has its script in bench/servers', () => {
    for (const c of [...Object.values(BARE), ...CONFIGS])
      assert.ok(existsSync(new URL(`../../../bench/servers/${c.script}`, import.meta.url)), c.script)
  })

  test('every target and host-tuned row names a row that is measured', () => {
    const names = new Set(CONFIGS.map((c) => c.name))
    for (const t of TARGETS) {
      assert.ok(names.has(t.row), t.row)
      if (t.over !== undefined) assert.ok(names.has(t.over), t.over)
    }
    for (const name of HOST_TUNED_ROWS) assert.ok(names.has(name), name)
  })
})

describe('the figures of a run', () => {
  test('median and quartiles interpolate between rounds', () => {
    assert.deepEqual(summarize([0.5, 0.9, 0.7, 0.8, 0.6]), { median: 0.7, q1: 0.6, q3: 0.8 })
    assert.deepEqual(summarize([1, 2]), { median: 1.5, q1: 1.25, q3: 1.75 })
  })

  test("wrk's report gives the request count, latency percentiles and every kind of failed request", () => {
    const text = [
      'Running 8s test @ http://127.0.0.1:40000/users/42',
      '  Latency Distribution',
      '     50%  612.00us',
      '     99%    3.20ms',
      '  98765 requests in 8.00s, 16.30MB read',
      '  Socket errors: connect 0, read 2, write 0, timeout 1',
      '  Non-2xx or 3xx responses: 4',
      'Requests/sec:  12345.67',
    ].join('\n')
    assert.deepEqual(parseWrk(text), { requests: 98765, rps: 12345.67, p50: 0.612, p99: 3.2, errors: 7 })
    assert.ok(Number.isNaN(parseWrk('unable to connect').requests))
  })
})
