// Tracing cost of one request through the lifecycle core, unsampled and sampled: the same core with and without
// the server-span observer (request context on in both), alternated over several rounds; the per-request
// difference of the medians is what tracing adds. Unsampled requests still get trace/span ids and X-Trace-Id.
// Times are this process's CPU time (user + system), which a busy host disturbs far less than wall time.
// Run: node --conditions=lookout-source --import tsx bench/micro/tracing.ts
import { resolveConfig } from '../../src/config/resolveConfig.ts'
import { createContextObserver } from '../../src/context/contextObserver.ts'
import { createLifecycleCore, type LifecycleCore } from '../../src/http/lifecycleCore.ts'
import { createRedactor } from '../../src/redact/createRedactor.ts'
import { createMemorySpanExporter } from '../../src/tracing/createMemorySpanExporter.ts'
import { createTracedCore } from '../../test/support/tracedCore.ts'

const ITERATIONS = 200_000
const ROUNDS = 7
const redactor = createRedactor()
const headers = { host: 'localhost:3000', 'user-agent': 'wrk', accept: '*/*' }

function coreWith(sampleRate: number | undefined): LifecycleCore {
  if (sampleRate === undefined) {
    const core = createLifecycleCore({
      config: resolveConfig({ metrics: { enabled: false } }, {}),
      metrics: undefined,
    })
    core.addObserver(createContextObserver(redactor))
    return core
  }
  const exporter = createMemorySpanExporter()
  // The exporter keeps nothing: only the request path is measured.
  exporter.export = (_spans, done) => done({ code: 0 })
  return createTracedCore({ sampleRate, exporters: [exporter] }).core
}

let sink = 0
const handler = () => {
  sink++
}

function perRequestNs(core: LifecycleCore): number {
  const t0 = process.cpuUsage()
  for (let i = 0; i < ITERATIONS; i++) {
    const req = core.startWith('GET', '/users/7', headers, null, '/users/:id')
    core.run(req, handler)
    core.finish(req, 200, 17)
  }
  const used = process.cpuUsage(t0)
  return ((used.user + used.system) * 1000) / ITERATIONS
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const cores = { none: coreWith(undefined), unsampled: coreWith(0), sampled: coreWith(1) }
for (const core of Object.values(cores)) perRequestNs(core) // warm-up
const times: Record<keyof typeof cores, number[]> = { none: [], unsampled: [], sampled: [] }
for (let r = 0; r < ROUNDS; r++) {
  for (const name of Object.keys(cores) as (keyof typeof cores)[]) times[name].push(perRequestNs(cores[name]))
}
const none = median(times.none)
console.log(`node ${process.version}, ${ROUNDS} rounds x ${ITERATIONS} requests, CPU time medians:`)
console.log(`  request context only         ${none.toFixed(0).padStart(6)} ns/request`)
for (const name of ['unsampled', 'sampled'] as const) {
  const t = median(times[name])
  console.log(
    `  + tracing, ${name.padEnd(17)} ${t.toFixed(0).padStart(6)} ns/request  (tracing adds ${(t - none).toFixed(0)} ns)`,
  )
}
console.log(
  `  (spread of unsampled rounds: ${Math.min(...times.unsampled).toFixed(0)}–${Math.max(...times.unsampled).toFixed(0)} ns)`,
)
if (sink === 0) console.log('no request ran')
