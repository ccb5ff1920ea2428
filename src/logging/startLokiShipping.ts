import { on, once } from 'node:events'
import { setTimeout as delay } from 'node:timers/promises'
import pino from 'pino'
import type { ResolvedConfig } from '../config/schema.ts'
import type { MetricRegistry } from '../metrics/metricRegistry.ts'
import { workerEntry } from '../util/workerEntry.ts'
import {
  LOG_EVENTS,
  LOGGING_METRIC_NAMES,
  LOKI_DRAIN_MESSAGE,
  LOKI_DROP_REASONS,
  LOKI_WORKER_EVENT,
  type LokiDropReason,
} from './conventions.ts'
import { type LookoutLogger, loggerInternals } from './createLogger.ts'
import type { LokiShipperEvent, LokiShipperOptions } from './lokiShipper.ts'

/** A running Loki shipper: the transport worker attached to the logger's fan-out stream. */
export interface LokiShipping {
  /** Detaches from the logger, flushes within `shutdownTimeoutMs`, ends the worker. Idempotent. */
  stop(): Promise<void>
}

/**
 * The push URL: the configured URL as is when it has a path, else `<url>/loki/api/v1/push`.
 *
 * @example
 * lokiPushUrl('http://loki:3100') // 'http://loki:3100/loki/api/v1/push'
 */
export function lokiPushUrl(url: string): string {
  const u = new URL(url)
  if (u.pathname === '' || u.pathname === '/') u.pathname = '/loki/api/v1/push'
  return u.toString()
}

/** The shipper settings (they cross into the worker, so plain data only). */
export function lokiShipperOptions(config: ResolvedConfig): LokiShipperOptions {
  const loki = config.logging.loki
  const headers: Record<string, string> = {}
  if (loki.tenant !== undefined) headers['x-scope-orgid'] = loki.tenant
  if (loki.token !== undefined) headers.authorization = `Bearer ${loki.token}`
  else if (loki.username !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${loki.username}:${loki.password ?? ''}`).toString('base64')}`
  return {
    pushUrl: lokiPushUrl(loki.url!),
    labels: { service: config.service, environment: config.environment, ...loki.labels },
    headers,
    batchIntervalMs: loki.batchIntervalMs,
    batchSize: loki.batchSize,
    maxBatchBytes: loki.maxBatchBytes,
    maxPendingBatches: loki.maxPendingBatches,
    timeoutMs: loki.timeoutMs,
    maxRetries: loki.maxRetries,
    retryBaseMs: loki.retryBaseMs,
    retryMaxMs: loki.retryMaxMs,
    gzip: loki.gzip,
    shutdownTimeoutMs: loki.shutdownTimeoutMs,
  }
}

/** Registers the shipping counters (once, at install time) and returns an event handler bound to them. */
export function createLokiCounters(registry: MetricRegistry): (event: LokiShipperEvent) => void {
  const batches = registry.counter({
    name: LOGGING_METRIC_NAMES.batchesDropped,
    help: 'Log batches dropped before reaching Loki, by reason',
    labelNames: ['reason'],
  })
  const entries = registry.counter({
    name: LOGGING_METRIC_NAMES.entriesDropped,
    help: 'Log entries in batches dropped before reaching Loki, by reason',
    labelNames: ['reason'],
  })
  const sent = registry.counter({
    name: LOGGING_METRIC_NAMES.batchesSent,
    help: 'Log batches accepted by Loki',
  })
  const byReason = new Map<LokiDropReason, { b: { inc(n?: number): void }; e: { inc(n?: number): void } }>()
  for (const reason of LOKI_DROP_REASONS)
    byReason.set(reason, { b: batches.labels(reason), e: entries.labels(reason) })
  const sentChild = sent.labels()
  return (event) => {
    if (event.type === 'sent') sentChild.inc()
    else if (event.type === 'dropped') {
      const c = byReason.get(event.reason)
      c?.b.inc()
      c?.e.inc(event.entries)
    }
  }
}

/**
 * Starts shipping the logger's lines to Loki from a pino transport worker. The worker posts shipper events back
 * as thread-stream `EVENT` messages; here they update `lookout_log_batches_dropped_total` & co. in the main-thread
 * registry (the worker has no registry of its own). Loki going down / coming back is logged once per transition.
 * Returns `undefined` when the logger was supplied by the host (no fan-out stream to attach to).
 *
 * @example
 * const shipping = startLokiShipping(config, logger, onEvent)
 * await shipping?.stop()
 */
export function startLokiShipping(
  config: ResolvedConfig,
  logger: LookoutLogger,
  onEvent: (event: LokiShipperEvent) => void,
): LokiShipping | undefined {
  const internals = loggerInternals(logger)
  const multistream = internals?.multistream
  if (multistream === undefined || config.logging.loki.url === undefined) return undefined
  const options = lokiShipperOptions(config)
  const transport = pino.transport({ target: workerEntry(import.meta.url, 'lokiTransport'), options })
  transport.on(LOKI_WORKER_EVENT, (event: LokiShipperEvent) => {
    onEvent(event)
    if (event.type === 'down')
      logger.warn(
        { event: LOG_EVENTS.lokiDown, error: event.error },
        'Loki push failing; buffering and retrying',
      )
    else if (event.type === 'up') logger.info({ event: LOG_EVENTS.lokiUp }, 'Loki push recovered')
  })
  let failed = false
  let ready = false
  transport.once('ready', () => {
    ready = true
  })
  transport.on('error', (err: Error) => {
    // The worker died: detach so logging keeps working on stdout.
    if (failed) return
    failed = true
    multistream.remove(id)
    logger.error({ event: 'loki_transport_failed', err }, 'Loki transport worker failed; shipping stopped')
  })
  multistream.add({ level: config.logging.loki.minLevel as pino.Level, stream: transport })
  const id = (multistream as unknown as { lastId: number }).lastId
  let stopped: Promise<void> | undefined
  /** Flush, then ask the worker to ship what it holds; resolves on its `drained` event or after `timeoutMs`. */
  function drain(timeoutMs: number): Promise<void> {
    return within(timeoutMs, async (signal) => {
      await new Promise<void>((resolve) => {
        try {
          ;(transport as unknown as { flush(cb: (err?: Error) => void): void }).flush(() => resolve())
        } catch {
          resolve()
        }
      })
      const drained = on(transport, LOKI_WORKER_EVENT, { signal })
      transport.emit('message', { code: LOKI_DRAIN_MESSAGE })
      for await (const [event] of drained) if ((event as LokiShipperEvent).type === 'drained') return
    })
  }
  return {
    stop() {
      stopped ??= (async () => {
        if (!failed) multistream.remove(id)
        if ((transport as unknown as { closed?: boolean }).closed) return
        // end() before the worker is ready loses the buffered lines: wait for 'ready' first (bounded).
        if (!ready)
          await within(5000, (signal) => once(transport, 'ready', { signal }))
          // The worker is unref'd while running; hold the loop open while it flushes (as pino's own autoEnd does).
        ;(transport as unknown as { ref?: () => void }).ref?.()
        // thread-stream's end() blocks this thread (Atomics.wait, up to 10 s, then it destroys the stream and the
        // lines with it) until the worker's destination has closed, i.e. until the last push is answered. So the
        // worker ships first, asynchronously: flush (it has read every line written), drain (it has shipped them,
        // within shutdownTimeoutMs), and only then end(), which finds nothing left to wait for.
        if (!failed) await drain(config.logging.loki.shutdownTimeoutMs + 1000)
        const closed = once(transport, 'close').catch(() => undefined)
        transport.end()
        let timer: NodeJS.Timeout | undefined
        await Promise.race([
          closed,
          new Promise<void>((resolve) => {
            // Referenced on purpose: bounded, and it must outlive a worker that exits without 'close'.
            timer = setTimeout(resolve, config.logging.loki.shutdownTimeoutMs + 1000)
          }),
        ])
        clearTimeout(timer)
      })()
      return stopped
    },
  }
}

/**
 * Runs `wait` for at most `ms`: resolves when it settles (a rejection counts as settled) or when the time is up,
 * then aborts the signal so its listeners and the timer go away.
 *
 * @example
 * await within(5000, (signal) => once(stream, 'ready', { signal }))
 */
async function within(ms: number, wait: (signal: AbortSignal) => Promise<unknown>): Promise<void> {
  const ac = new AbortController()
  try {
    await Promise.race([
      wait(ac.signal).catch(() => undefined),
      delay(ms, undefined, { signal: ac.signal }).catch(() => undefined),
    ])
  } finally {
    ac.abort()
  }
}
