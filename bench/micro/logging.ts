// Logging throughput and per-line cost: plain pino vs Lookout's logger (context mixin + redaction), to a
// discarding destination (measures the main-thread CPU cost only; shipping happens in a worker).
// Run: node --conditions=lookout-source --import tsx bench/micro/logging.ts
import { Writable } from 'node:stream'
import pino from 'pino'
import { resolveConfig } from '../../src/config/resolveConfig.ts'
import { runWithContext } from '../../src/context/runWithContext.ts'
import { createLogger } from '../../src/logging/createLogger.ts'
import { PRE_REDACTED } from '../../src/logging/preRedacted.ts'
import { typicalLine } from './typicalLine.ts'

const sink = new Writable({ write: (_c, _e, cb) => cb() })
// pino writes strings; a synchronous no-op write keeps the destination out of the measurement.
sink.write = (() => true) as typeof sink.write

const config = resolveConfig({ service: 'bench', environment: 'production' }, {})
const plain = pino({ base: { service: 'bench' }, timestamp: pino.stdTimeFunctions.isoTime }, sink)
const lookout = createLogger(config, sink)

function bench(name: string, fn: () => void, iterations = 100_000): number {
  for (let i = 0; i < 10_000; i++) fn()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) fn()
  const ns = Number(process.hrtime.bigint() - t0) / iterations
  console.log(
    `${name.padEnd(56)} ${ns.toFixed(0).padStart(7)} ns/line ${Math.round(1e9 / ns)
      .toLocaleString('en-US')
      .padStart(12)} lines/s`,
  )
  return ns
}

const line = typicalLine()
const appLine = { user_id: 42, action: 'login', tenant: 'acme', ok: true }

const results: Record<string, number> = {}
results.plainRequest = bench('plain pino: request line', () => plain.info(line, 'request completed'))
results.lookoutRequest = bench('lookout: request line (generic walk)', () =>
  lookout.info(line, 'request completed'),
)
results.lookoutPre = bench('lookout: request line (pre-redacted, as the observer)', () =>
  lookout.info({ ...line, [PRE_REDACTED]: true }, 'request completed'),
)
results.plainPreSpread = bench('plain pino: request line (same spread)', () =>
  plain.info({ ...line }, 'request completed'),
)
results.plainApp = bench('plain pino: small app line', () => plain.info(appLine, 'user logged in'))
results.lookoutApp = bench('lookout: small app line', () => lookout.info(appLine, 'user logged in'))
runWithContext({ requestId: '6f1c2a9e-3b7d-4d2a-9f0e-1c2b3a4d5e6f', tenantId: 'acme', userId: 'u-1' }, () => {
  results.lookoutAppCtx = bench('lookout: small app line inside a request context', () =>
    lookout.info(appLine, 'user logged in'),
  )
})
console.log(
  `overhead per request line (generic walk): ${(results.lookoutRequest! - results.plainRequest!).toFixed(0)} ns; ` +
    `pre-redacted path: ${(results.lookoutPre! - results.plainPreSpread!).toFixed(0)} ns; ` +
    `small app line: ${(results.lookoutApp! - results.plainApp!).toFixed(0)} ns`,
)
