// The worker thread that sends encoded OTLP trace requests over HTTP (see createWorkerSpanExporter). Its own
// isolate keeps the HTTP client's use of Node's http and stream internals away from the server's request path:
// sharing them makes the server's hottest functions polymorphic, which costs far more than the exports themselves.
import { createRequire } from 'node:module'
import { parentPort, workerData } from 'node:worker_threads'
import type {
  WorkerExporterOptions,
  WorkerExportRequest,
  WorkerExportResult,
} from './workerExportMessages.ts'

const require = createRequire(import.meta.url)
const { convertLegacyHttpOptions, createOtlpHttpExportDelegate } =
  require('@opentelemetry/otlp-exporter-base/node-http') as typeof import('@opentelemetry/otlp-exporter-base/node-http')
const { ProtobufTraceSerializer } =
  require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer')

const options = workerData as WorkerExporterOptions
/** One encoded request and the number of spans in it (for the transport's own item counts). */
interface Encoded {
  readonly bytes: Uint8Array
  readonly count: number
}

// The OpenTelemetry http/protobuf transport (retries, Retry-After, compression, headers, timeout, partial-success
// handling), fed bytes the main thread already encoded.
const delegate = createOtlpHttpExportDelegate(
  convertLegacyHttpOptions(
    {
      url: options.url,
      headers: { ...options.headers },
      timeoutMillis: options.timeoutMs,
      compression: options.compression as never,
    },
    'TRACES',
    'v1/traces',
    { 'Content-Type': 'application/x-protobuf' },
  ),
  {
    serializeRequest: (request: Encoded) => request.bytes,
    deserializeResponse: (bytes: Uint8Array) => ProtobufTraceSerializer.deserializeResponse(bytes),
  },
  'otlp_http_span_exporter',
  { name: 'span', countItems: (request: Encoded) => request.count },
  undefined,
)

parentPort?.on('message', (message: WorkerExportRequest) => {
  if (message.type === 'shutdown') {
    void delegate.shutdown().finally(() => parentPort?.postMessage({ type: 'closed' }))
    return
  }
  const { id, bytes, count } = message
  delegate.export({ bytes: new Uint8Array(bytes), count }, (result) => {
    const reply: WorkerExportResult = {
      type: 'result',
      id,
      code: result.code,
      // Errors cross the thread as plain objects: the name and message are what the main thread reports.
      error:
        result.error === undefined ? undefined : { name: result.error.name, message: result.error.message },
    }
    parentPort?.postMessage(reply)
  })
})
