import { Worker } from 'node:worker_threads'
import type { ExportResult } from '@opentelemetry/core'
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base'
import { workerEntry } from '../util/workerEntry.ts'
import { encodeTraceRequest } from './encodeTraceRequest.ts'
import { ProtobufWriter } from './protobufWriter.ts'
import type {
  WorkerExporterOptions,
  WorkerExportRequest,
  WorkerExportResult,
} from './workerExportMessages.ts'

// ExportResultCode.SUCCESS / FAILED of @opentelemetry/core (a const enum's values, stable across versions).
const SUCCESS = 0
const FAILED = 1

/** The reused encoder buffer's first size, and the largest request whose buffer is kept for the next batch. */
const WRITER_BYTES = 262_144
const WRITER_KEEP_BYTES = 4_194_304

/**
 * The OTLP http/protobuf span exporter, its HTTP in a worker thread: spans are encoded here (encodeTraceRequest,
 * through one reused buffer) and a copy of the bytes is handed to the worker (transferred, not copied again), which
 * sends them with the OpenTelemetry transport (retries, Retry-After, compression, headers, timeout). An HTTP client
 * in the server's own thread shares Node's http and stream internals with the request path and makes them
 * polymorphic: a few exports a second cost the server more throughput than the spans do. The worker starts with
 * the first export, does not keep the process alive, and closes on `shutdown`. If it cannot start or dies, that
 * export fails (its spans counted as dropped by the batch processor) and the next export starts a new one.
 *
 * @example
 * const exporter = createWorkerSpanExporter({ url, headers: {}, timeoutMs: 10_000, compression: 'none' })
 */
export function createWorkerSpanExporter(options: WorkerExporterOptions): SpanExporter {
  let worker: Worker | undefined
  let nextId = 0
  let writer = new ProtobufWriter(WRITER_BYTES)
  const pending = new Map<number, (result: ExportResult) => void>()
  let idle: (() => void)[] = []
  let closed: (() => void) | undefined
  let shutdownPromise: Promise<void> | undefined

  const settle = (id: number, result: ExportResult): void => {
    const done = pending.get(id)
    if (done === undefined) return
    pending.delete(id)
    if (pending.size === 0) {
      // Nothing in flight: the worker no longer holds the process open, and flushes waiting on it return.
      worker?.unref()
      const waiting = idle
      idle = []
      for (const resolve of waiting) resolve()
    }
    done(result)
  }
  const failAll = (message: string): void => {
    for (const id of [...pending.keys()]) settle(id, { code: FAILED, error: new Error(message) })
  }

  const start = (): Worker => {
    const w = new Worker(workerEntry(import.meta.url, 'otlpExportWorker'), { workerData: options })
    w.unref()
    w.on('message', (message: WorkerExportResult) => {
      if (message.type === 'closed') {
        closed?.()
        return
      }
      if (message.code === SUCCESS) {
        settle(message.id, { code: SUCCESS })
        return
      }
      const error = new Error(message.error?.message ?? 'export failed')
      if (message.error !== undefined) error.name = message.error.name
      settle(message.id, { code: FAILED, error })
    })
    w.on('error', (error) => {
      if (worker === w) worker = undefined
      failAll(`OTLP export worker failed: ${error.message}`)
    })
    w.on('exit', () => {
      if (worker === w) worker = undefined
      failAll('OTLP export worker exited')
      closed?.()
    })
    return w
  }

  return {
    export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
      if (shutdownPromise !== undefined) {
        resultCallback({ code: FAILED, error: new Error('exporter is shut down') })
        return
      }
      // The writer's buffer is reused; the request is its own (transferable) copy.
      const bytes = encodeTraceRequest(spans, writer)
      // An unusually large batch does not keep its buffer.
      if (bytes.length > WRITER_KEEP_BYTES) writer = new ProtobufWriter(WRITER_BYTES)
      try {
        worker ??= start()
      } catch (error) {
        resultCallback({ code: FAILED, error: error as Error })
        return
      }
      const id = nextId++
      pending.set(id, resultCallback)
      // Referenced while an export is in flight, so the process does not exit under it.
      worker.ref()
      const request: WorkerExportRequest = { type: 'export', id, bytes: bytes.buffer, count: spans.length }
      worker.postMessage(request, [bytes.buffer])
    },
    forceFlush(): Promise<void> {
      // Exports are sent as soon as they are made: flushing waits for those in flight.
      if (pending.size === 0) return Promise.resolve()
      return new Promise((resolve) => idle.push(resolve))
    },
    shutdown(): Promise<void> {
      shutdownPromise ??= (async () => {
        const w = worker
        if (w === undefined) return
        // Exports still in flight are sent if the process lives on, never waited for by its exit.
        w.unref()
        await new Promise<void>((resolve) => {
          closed = resolve
          w.postMessage({ type: 'shutdown' } satisfies WorkerExportRequest)
        })
        worker = undefined
        await w.terminate()
      })()
      return shutdownPromise
    },
  }
}
