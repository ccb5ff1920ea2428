import { AsyncResource } from 'node:async_hooks'
import { promisify } from 'node:util'
import { gzip as gzipCb } from 'node:zlib'
import { context, ROOT_CONTEXT } from '@opentelemetry/api'
import { lazyRequire } from '../util/lazyRequire.ts'
import type { OtlpLogDropReason } from './conventions.ts'
import { type OtlpLogRecord, type OtlpLogRecordContext, toOtlpLogRecord } from './toOtlpLogRecord.ts'

// Loaded when a process exports logs over OTLP, not when it imports Lookout (see lazyRequire).
const transformer = lazyRequire<typeof import('@opentelemetry/otlp-transformer')>(
  '@opentelemetry/otlp-transformer',
)
const otelCore = lazyRequire<typeof import('@opentelemetry/core')>('@opentelemetry/core')
const gzip = promisify(gzipCb)

/** Settings of one OTLP log exporter. */
export interface OtlpLogExporterOptions {
  /** Full logs URL (`…/v1/logs`). */
  readonly url: string
  readonly protocol: 'http/protobuf' | 'http/json'
  readonly headers: Readonly<Record<string, string>>
  readonly timeoutMs: number
  readonly compression: 'gzip' | 'none'
  readonly maxQueueSize: number
  /** Characters of queued lines at most. */
  readonly maxQueueChars: number
  readonly maxExportBatchSize: number
  readonly scheduledDelayMs: number
  readonly maxRetries: number
  readonly retryBaseMs: number
  readonly retryMaxMs: number
  readonly shutdownTimeoutMs: number
  /** Resource, scope and base fields shared by every record. */
  readonly records: OtlpLogRecordContext
}

/** What the exporter reports (the logging area counts these and logs transitions). */
export type OtlpLogExporterEvent =
  | { readonly type: 'exported'; readonly records: number }
  | { readonly type: 'dropped'; readonly reason: OtlpLogDropReason; readonly records: number }
  | { readonly type: 'down'; readonly error: string }
  | { readonly type: 'up' }

/** A pino destination stream that exports the lines it is given as OTLP log records. */
export interface OtlpLogExporter {
  /** Queues one serialised line (the logger's redacted JSON). Never throws, never waits. Always `true`. */
  write(line: string): boolean
  /** Lines queued and not yet taken into an export request. */
  readonly queued: number
  /** Exports what is queued within `shutdownTimeoutMs`; the rest is dropped and counted. Idempotent. */
  close(): Promise<void>
}

const CONTENT_TYPE = { 'http/protobuf': 'application/x-protobuf', 'http/json': 'application/json' } as const

/**
 * Exports log lines as OTLP/HTTP log records (protobuf or JSON, optionally gzip). `write` only queues the line
 * (bounded: beyond `maxQueueSize` lines or `maxQueueChars` characters a line is dropped and counted as
 * `queue_full`); parsing and encoding happen
 * later, a batch at a time, on a timer (`scheduledDelayMs`) or as soon as a full batch is waiting. One request at
 * a time; 429, 5xx and network errors are retried with exponential backoff and jitter, honouring `Retry-After`
 * (capped at `retryMaxMs`); other 4xx drop the batch at once (`rejected`). Requests run outside any request's
 * context with tracing suppressed, so an export is never traced and never keeps a request's context alive.
 *
 * @example
 * const exporter = createOtlpLogExporter(options, (event) => counters(event))
 * multistream.add({ level: 'info', stream: exporter })
 * await exporter.close()
 */
export function createOtlpLogExporter(
  options: OtlpLogExporterOptions,
  onEvent: (event: OtlpLogExporterEvent) => void,
): OtlpLogExporter {
  const { ProtobufLogsSerializer, JsonLogsSerializer } = transformer()
  const serializer = options.protocol === 'http/json' ? JsonLogsSerializer : ProtobufLogsSerializer
  const headers: Record<string, string> = {
    ...options.headers,
    'content-type': CONTENT_TYPE[options.protocol],
    ...(options.compression === 'gzip' ? { 'content-encoding': 'gzip' } : {}),
  }
  let queue: string[] = []
  let queuedChars = 0
  let sending = false
  let closing = false
  let down = false
  let deadline = Number.POSITIVE_INFINITY
  let wake: (() => void) | undefined
  let inFlight: AbortController | undefined

  function emit(event: OtlpLogExporterEvent): void {
    try {
      onEvent(event)
    } catch {
      // reporting must not break exporting
    }
  }

  // Bound here (outside any request): a pump started from write() runs in this context, not the request's.
  const pumpDetached = AsyncResource.bind(() => {
    void pump()
  })
  const timer = setInterval(pumpDetached, options.scheduledDelayMs)
  timer.unref()

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms)
      t.unref()
      function done() {
        clearTimeout(t)
        wake = undefined
        resolve()
      }
      wake = done
    })
  }

  /** `ok`, `retry` (+ delay hint) or `reject`. */
  async function sendOnce(
    body: Uint8Array,
  ): Promise<{ outcome: 'ok' | 'retry' | 'reject'; afterMs?: number; error?: string }> {
    const ac = new AbortController()
    inFlight = ac
    const timeout = Math.max(1, Math.min(options.timeoutMs, deadline - Date.now()))
    const timer = setTimeout(() => ac.abort(new Error('timeout')), timeout)
    timer.unref()
    try {
      const res = await context.with(otelCore().suppressTracing(ROOT_CONTEXT), () =>
        fetch(options.url, { method: 'POST', headers, body, signal: ac.signal }),
      )
      await res.arrayBuffer().catch(() => undefined)
      if (res.status >= 200 && res.status < 300) return { outcome: 'ok' }
      if (res.status === 429 || res.status >= 500) {
        const after = retryAfterMs(res.headers.get('retry-after'))
        return {
          outcome: 'retry',
          ...(after === undefined ? {} : { afterMs: after }),
          error: `HTTP ${res.status}`,
        }
      }
      return { outcome: 'reject', error: `HTTP ${res.status}` }
    } catch (err) {
      const reason = ac.signal.aborted ? 'timeout' : ((err as Error).cause as Error)?.message
      return { outcome: 'retry', error: reason ?? (err as Error).message }
    } finally {
      clearTimeout(timer)
      inFlight = undefined
    }
  }

  async function encode(lines: readonly string[]): Promise<Uint8Array | undefined> {
    try {
      const now = Date.now()
      const records: OtlpLogRecord[] = lines.map((line) => toOtlpLogRecord(line, options.records, now))
      const bytes = serializer.serializeRequest(records)
      if (bytes === undefined) return undefined
      return options.compression === 'gzip' ? new Uint8Array(await gzip(bytes)) : bytes
    } catch {
      return undefined
    }
  }

  async function ship(lines: string[]): Promise<void> {
    const body = await encode(lines)
    if (body === undefined) {
      emit({ type: 'dropped', reason: 'rejected', records: lines.length })
      return
    }
    for (let attempt = 0; ; attempt++) {
      const r = await sendOnce(body)
      if (r.outcome === 'ok') {
        if (down) {
          down = false
          emit({ type: 'up' })
        }
        emit({ type: 'exported', records: lines.length })
        return
      }
      if (r.outcome === 'reject') {
        emit({ type: 'dropped', reason: 'rejected', records: lines.length })
        return
      }
      if (!down) {
        down = true
        emit({ type: 'down', error: r.error ?? 'unknown' })
      }
      if (Date.now() >= deadline) {
        emit({ type: 'dropped', reason: 'shutdown', records: lines.length })
        return
      }
      if (attempt >= options.maxRetries) {
        emit({ type: 'dropped', reason: 'retries_exhausted', records: lines.length })
        return
      }
      const backoff = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** attempt)
      const jittered = backoff / 2 + Math.random() * (backoff / 2)
      const delay = Math.min(options.retryMaxMs, Math.max(r.afterMs ?? 0, jittered))
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())))
    }
  }

  async function pump(): Promise<void> {
    if (sending) return
    sending = true
    try {
      while (queue.length > 0 && !(closing && Date.now() >= deadline)) {
        const batch =
          queue.length <= options.maxExportBatchSize ? queue : queue.slice(0, options.maxExportBatchSize)
        queue = batch === queue ? [] : queue.slice(options.maxExportBatchSize)
        for (const line of batch) queuedChars -= line.length
        await ship(batch)
      }
    } catch {
      // never into the host
    } finally {
      sending = false
    }
  }

  let closed: Promise<void> | undefined
  return {
    write(line) {
      if (closing) {
        emit({ type: 'dropped', reason: 'shutdown', records: 1 })
        return true
      }
      if (queue.length >= options.maxQueueSize || queuedChars + line.length > options.maxQueueChars) {
        emit({ type: 'dropped', reason: 'queue_full', records: 1 })
        return true
      }
      queue.push(line)
      queuedChars += line.length
      if (queue.length === options.maxExportBatchSize && !sending) setImmediate(pumpDetached)
      return true
    },
    get queued() {
      return queue.length
    },
    close() {
      closed ??= (async () => {
        closing = true
        clearInterval(timer)
        deadline = Date.now() + options.shutdownTimeoutMs
        wake?.()
        // Whatever is in flight or queued gets until the deadline; then the request in flight is abandoned.
        const drained = (async () => {
          while (sending) await new Promise((r) => setTimeout(r, 10))
          await pump()
        })()
        let stop: NodeJS.Timeout | undefined
        await Promise.race([
          drained,
          new Promise<void>((resolve) => {
            stop = setTimeout(resolve, Math.max(0, deadline - Date.now()))
          }),
        ])
        clearTimeout(stop)
        inFlight?.abort(new Error('shutdown'))
        wake?.()
        await drained
        if (queue.length > 0) {
          emit({ type: 'dropped', reason: 'shutdown', records: queue.length })
          queue = []
          queuedChars = 0
        }
      })()
      return closed
    },
  }
}

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date; `undefined` when absent or unreadable. */
function retryAfterMs(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined
  const at = Date.parse(value)
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined
}
