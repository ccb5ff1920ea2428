import { type Context, context, TraceFlags } from '@opentelemetry/api'
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { lazyRequire } from '../util/lazyRequire.ts'
import type { SpanDropReason } from './conventions.ts'

const otelCore = lazyRequire<typeof import('@opentelemetry/core')>('@opentelemetry/core')

/** Limits of {@link BoundedBatchSpanProcessor} (the `OTEL_BSP_*` settings). */
export interface BatchLimits {
  /** Spans queued at most; more are dropped and counted. */
  readonly maxQueueSize: number
  /** Spans per export call. */
  readonly maxExportBatchSize: number
  /** Delay before a partial batch is exported, in ms. */
  readonly scheduledDelayMs: number
  /** Time an export may take before it counts as failed, in ms. */
  readonly exportTimeoutMs: number
}

/** What the processor reports (wired to Lookout's counters and logger). */
export interface BatchObserver {
  dropped(reason: SpanDropReason, count: number): void
  exported(count: number): void
  /** One export failed; `error` is the exporter's error (may be undefined on timeout). */
  exportFailed(error: unknown, timedOut: boolean): void
}

/**
 * A batch span processor with a hard bound and honest counts. The SDK's BatchSpanProcessor drops silently when
 * full; this one reports every span that does not reach the collector (`queue_full`, `export_failed`,
 * `shutdown`), keeps at most one export in flight (a black-holed collector cannot pile up requests), gives up on
 * an export after `exportTimeoutMs`, and runs exports with tracing suppressed (the exporter's own HTTP calls are
 * never traced). Unsampled spans are ignored.
 *
 * @example
 * const processor = new BoundedBatchSpanProcessor(exporter, { maxQueueSize: 2048, maxExportBatchSize: 512,
 *   scheduledDelayMs: 5000, exportTimeoutMs: 30000 }, observer)
 * new BasicTracerProvider({ spanProcessors: [processor] })
 */
export class BoundedBatchSpanProcessor implements SpanProcessor {
  private readonly exporter: SpanExporter
  private readonly limits: BatchLimits
  private readonly observer: BatchObserver
  private queue: ReadableSpan[] = []
  private timer: NodeJS.Timeout | undefined
  private inFlight: Promise<void> | undefined
  private closed = false
  private shutdownPromise: Promise<void> | undefined
  /** Gives up on the export in flight (counting its spans as dropped at shutdown). */
  private abandon: (() => void) | undefined

  constructor(exporter: SpanExporter, limits: BatchLimits, observer: BatchObserver) {
    this.exporter = exporter
    this.limits = limits
    this.observer = observer
  }

  /** Spans waiting for export. */
  get queued(): number {
    return this.queue.length
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return
    if (this.closed) {
      this.observer.dropped('shutdown', 1)
      return
    }
    if (this.queue.length >= this.limits.maxQueueSize) {
      this.observer.dropped('queue_full', 1)
      return
    }
    this.queue.push(span)
    if (this.inFlight !== undefined) return
    if (this.queue.length >= this.limits.maxExportBatchSize) this.kick()
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        this.kick()
      }, this.limits.scheduledDelayMs)
      this.timer.unref()
    }
  }

  /** Exports everything queued now (bounded by `timeoutMs`, default the export timeout). Never rejects. */
  async forceFlush(timeoutMs = this.limits.exportTimeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      if (this.inFlight !== undefined) {
        await raceDeadline(this.inFlight, deadline)
        continue
      }
      if (this.queue.length === 0) return
      this.kick()
    }
  }

  /** Flushes (within `timeoutMs`), then shuts the exporter down; what is left is counted as dropped. Idempotent. */
  shutdown(timeoutMs = this.limits.exportTimeoutMs): Promise<void> {
    this.shutdownPromise ??= (async () => {
      const deadline = Date.now() + timeoutMs
      await this.forceFlush(timeoutMs)
      this.closed = true
      // An export still in flight past the deadline (black-holed collector): its spans are lost, count them now.
      this.abandon?.()
      if (this.timer !== undefined) clearTimeout(this.timer)
      this.timer = undefined
      if (this.queue.length > 0) {
        this.observer.dropped('shutdown', this.queue.length)
        this.queue = []
      }
      await raceDeadline(
        Promise.resolve()
          .then(() => this.exporter.shutdown())
          .catch(() => undefined),
        Math.max(deadline, Date.now() + 50),
      )
    })()
    return this.shutdownPromise
  }

  private kick(): void {
    if (this.inFlight !== undefined || this.queue.length === 0) return
    if (this.timer !== undefined) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    const batch = this.queue.splice(0, this.limits.maxExportBatchSize)
    this.inFlight = this.exportBatch(batch).finally(() => {
      this.inFlight = undefined
      this.abandon = undefined
      if (this.closed) return
      if (this.queue.length >= this.limits.maxExportBatchSize) this.kick()
      else if (this.queue.length > 0 && this.timer === undefined) {
        this.timer = setTimeout(() => {
          this.timer = undefined
          this.kick()
        }, this.limits.scheduledDelayMs)
        this.timer.unref()
      }
    })
  }

  private exportBatch(batch: ReadableSpan[]): Promise<void> {
    return new Promise<void>((resolve) => {
      let settled = false
      const timeout = setTimeout(() => {
        if (settled) return
        settled = true
        this.observer.dropped('export_failed', batch.length)
        this.observer.exportFailed(undefined, true)
        resolve()
      }, this.limits.exportTimeoutMs)
      timeout.unref()
      this.abandon = () => {
        if (settled) return
        settled = true
        clearTimeout(timeout)
        this.observer.dropped('shutdown', batch.length)
        resolve()
      }
      const done = (ok: boolean, error: unknown) => {
        if (settled) return
        settled = true
        clearTimeout(timeout)
        if (ok) this.observer.exported(batch.length)
        else {
          this.observer.dropped('export_failed', batch.length)
          this.observer.exportFailed(error, false)
        }
        resolve()
      }
      try {
        // The exporter's own HTTP/gRPC calls must never become spans (they would feed themselves).
        const { ExportResultCode, suppressTracing } = otelCore()
        context.with(suppressTracing(context.active()), () => {
          this.exporter.export(batch, (result) =>
            done(result.code === ExportResultCode.SUCCESS, result.error),
          )
        })
      } catch (error) {
        done(false, error)
      }
    })
  }
}

function raceDeadline(promise: Promise<unknown>, deadline: number): Promise<void> {
  const wait = deadline - Date.now()
  if (wait <= 0) return Promise.resolve()
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, wait)
    timer.unref()
    promise.then(
      () => {
        clearTimeout(timer)
        resolve()
      },
      () => {
        clearTimeout(timer)
        resolve()
      },
    )
  })
}
