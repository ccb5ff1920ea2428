import assert from 'node:assert/strict'
import { test } from 'node:test'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  createOtlpLogExporter,
  type OtlpLogExporterEvent,
} from '../../../src/logging/createOtlpLogExporter.ts'
import { type OtlpLogRecordContext, toOtlpLogRecord } from '../../../src/logging/toOtlpLogRecord.ts'

const ctx: OtlpLogRecordContext = {
  resource: resourceFromAttributes({
    'service.name': 'identity',
  }) as unknown as OtlpLogRecordContext['resource'],
  scope: { name: 'lookout', version: '1.0.0' },
  baseFields: { service: 'identity', version: '1.0.0', environment: 'test', hostname: 'h1' },
}
const NOW = Date.parse('2026-03-01T10:00:00.000Z')

const cases: { name: string; line: string; expect: Record<string, unknown> }[] = [
  {
    name: 'pino levels map to the OTel severity numbers and short names',
    line: '{"level":"fatal","time":"2026-03-01T09:59:59.250Z","msg":"down"}',
    expect: { severityNumber: 21, severityText: 'FATAL', body: 'down', hrTime: [1772359199, 250_000_000] },
  },
  {
    name: 'trace and span ids become the record trace context; the base fields the resource states are left out',
    line: '{"level":"debug","time":"2026-03-01T10:00:00.000Z","service":"identity","hostname":"h1","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","msg":"x","route":"/a"}',
    expect: {
      severityNumber: 5,
      spanContext: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 0 },
      attributes: { route: '/a' },
    },
  },
  {
    name: 'a base field with another value is kept (it is not what the resource says)',
    line: '{"level":"info","version":"9.9.9","msg":"x"}',
    expect: { attributes: { version: '9.9.9' } },
  },
  {
    name: 'err becomes the exception semantic attributes',
    line: '{"level":"error","msg":"failed","err":{"type":"TypeError","message":"bad","stack":"TypeError: bad\\n  at x"}}',
    expect: {
      severityNumber: 17,
      attributes: {
        'exception.type': 'TypeError',
        'exception.message': 'bad',
        'exception.stacktrace': 'TypeError: bad\n  at x',
      },
    },
  },
  {
    name: 'an id that is not hex is no trace context',
    line: '{"level":"info","trace_id":"not-a-trace","msg":"x"}',
    expect: { spanContext: undefined },
  },
  {
    name: 'a line that is not JSON is an INFO record with the text as body, timed when observed',
    line: 'plain text\n',
    expect: { severityNumber: 9, body: 'plain text', hrTime: [1772359200, 0], attributes: {} },
  },
]

for (const c of cases) {
  test(`toOtlpLogRecord: ${c.name}`, () => {
    const record = toOtlpLogRecord(c.line, ctx, NOW) as unknown as Record<string, unknown>
    for (const [key, value] of Object.entries(c.expect)) assert.deepEqual(record[key], value, key)
  })
}

test('the queue is bounded by characters as well as lines; what does not fit is counted as queue_full', async () => {
  const events: OtlpLogExporterEvent[] = []
  const exporter = createOtlpLogExporter(
    {
      url: 'http://127.0.0.1:9/v1/logs',
      protocol: 'http/protobuf',
      headers: {},
      timeoutMs: 1000,
      compression: 'none',
      maxQueueSize: 100,
      maxQueueChars: 4200,
      maxExportBatchSize: 100,
      scheduledDelayMs: 600_000,
      maxRetries: 0,
      retryBaseMs: 1,
      retryMaxMs: 1,
      shutdownTimeoutMs: 0,
      records: ctx,
    },
    (e) => events.push(e),
  )
  const line = `{"level":"info","msg":"${'x'.repeat(1000)}"}`
  for (let i = 0; i < 10; i++) exporter.write(line)
  assert.equal(exporter.queued, 4)
  const full = events.filter((e) => e.type === 'dropped' && e.reason === 'queue_full')
  assert.equal(full.length, 6)
  await exporter.close()
  const dropped = events
    .filter((e) => e.type === 'dropped')
    .reduce((n, e) => n + (e as { records: number }).records, 0)
  assert.equal(dropped, 10, 'every line is exported or counted')
})
