// OTLP log export cost on the main thread: what the logger pays per line with the exporter attached (queueing
// only), and what the batch step costs per record later (parse the line, map it, encode the request), for
// protobuf and JSON, as ratios to a plain logger line. Nothing is sent (the queue is drained by hand).
// Run: node --conditions=lookout-source --import tsx bench/micro/otlpLogExport.ts
import { Writable } from 'node:stream'
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer'
import { resolveConfig } from '../../src/config/resolveConfig.ts'
import { createLogger } from '../../src/logging/createLogger.ts'
import { resolveOtlpLogSettings } from '../../src/logging/resolveOtlpLogSettings.ts'
import { startOtlpLogExport } from '../../src/logging/startOtlpLogExport.ts'
import { type OtlpLogRecordContext, toOtlpLogRecord } from '../../src/logging/toOtlpLogRecord.ts'
import { createResource } from '../../src/tracing/createTracing.ts'
import { typicalLine } from './typicalLine.ts'

const sink = new Writable({ write: (_c, _e, cb) => cb() })
sink.write = (() => true) as typeof sink.write

function bench(name: string, fn: () => void, iterations: number): number {
  for (let i = 0; i < 2_000; i++) fn()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) fn()
  const ns = Number(process.hrtime.bigint() - t0) / iterations
  console.log(`${name.padEnd(60)} ${ns.toFixed(0).padStart(7)} ns/line`)
  return ns
}

const line = typicalLine()
const plainConfig = resolveConfig({ service: 'bench', environment: 'production' }, {})
// A queue larger than the run and a delay longer than it: the exporter only queues while measured.
const otlpConfig = resolveConfig(
  {
    service: 'bench',
    environment: 'production',
    logging: {
      otlp: {
        exporter: 'otlp',
        endpoint: 'http://127.0.0.1:9/v1/logs',
        maxQueueSize: 1_000_000,
        maxQueueChars: 1024 * 1024 * 1024,
        maxExportBatchSize: 100_000,
        scheduledDelayMs: 600_000,
      },
    },
  },
  {},
)
const plain = createLogger(plainConfig, sink)
const withOtlp = createLogger(otlpConfig, sink)
const running = startOtlpLogExport(otlpConfig, resolveOtlpLogSettings(otlpConfig)!, withOtlp, () => {})!

// Alternating rounds of 20 000 lines (the queue holds at most a few rounds), the median of each kept.
const baseRounds: number[] = []
const attachedRounds: number[] = []
for (let round = 0; round < 5; round++) {
  baseRounds.push(bench('lookout logger: request line', () => plain.info(line, 'request completed'), 20_000))
  attachedRounds.push(
    bench(
      'lookout logger + OTLP exporter attached: request line',
      () => withOtlp.info(line, 'request completed'),
      20_000,
    ),
  )
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const base = median(baseRounds)
const attached = median(attachedRounds)

// The batch step, on lines exactly as the logger wrote them.
const lines: string[] = []
const capture = createLogger(plainConfig, {
  write: (l: string) => {
    lines.push(l)
    return true
  },
} as never)
for (let i = 0; i < 512; i++) capture.info(line, 'request completed')
const ctx: OtlpLogRecordContext = {
  resource: createResource(plainConfig) as unknown as OtlpLogRecordContext['resource'],
  scope: { name: 'lookout', version: '1' },
  baseFields: { service: 'bench', version: plainConfig.version, environment: 'production' },
}
const perRecord: Record<string, number> = {}
for (const [name, serializer] of [
  ['protobuf', ProtobufLogsSerializer],
  ['json', JsonLogsSerializer],
] as const) {
  const batches = 200
  const run = () => serializer.serializeRequest(lines.map((l) => toOtlpLogRecord(l, ctx, Date.now())))
  for (let i = 0; i < 20; i++) run()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < batches; i++) run()
  perRecord[name] = Number(process.hrtime.bigint() - t0) / (batches * lines.length)
  console.log(
    `${`batch step, ${name}: parse + map + encode`.padEnd(60)} ${perRecord[name]!.toFixed(0).padStart(7)} ns/record`,
  )
}
console.log(
  `on the logging call: ${(attached / base).toFixed(2)}× a line without OTLP; ` +
    `later, per record: protobuf ${(perRecord.protobuf! / base).toFixed(2)}×, json ${(perRecord.json! / base).toFixed(2)}× a logged line`,
)
await running.exporter.close().catch(() => undefined)
process.exit(0)
