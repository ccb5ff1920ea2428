import { promisify } from 'node:util'
import { gzip as gzipCb } from 'node:zlib'
import { LOKI_METADATA_FIELDS, type LokiDropReason } from './conventions.ts'

const gzip = promisify(gzipCb)

/** Settings of one shipper (structured-cloneable: they cross into the transport worker). */
export interface LokiShipperOptions {
  /** Full push URL (`…/loki/api/v1/push`). */
  readonly pushUrl: string
  /** Labels on every stream (service, environment, configured extras); `level` is added per line. */
  readonly labels: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
  readonly batchIntervalMs: number
  readonly batchSize: number
  readonly maxBatchBytes: number
  readonly maxPendingBatches: number
  readonly timeoutMs: number
  readonly maxRetries: number
  readonly retryBaseMs: number
  readonly retryMaxMs: number
  readonly gzip: boolean
  readonly shutdownTimeoutMs: number
}

/** What the shipper reports (the worker forwards these to the main thread, which counts them). */
export type LokiShipperEvent =
  | { readonly type: 'sent'; readonly entries: number }
  | { readonly type: 'dropped'; readonly reason: LokiDropReason; readonly entries: number }
  | { readonly type: 'down'; readonly error: string }
  | { readonly type: 'up' }
  /** The worker shipped (or dropped) everything it held, after a drain request. */
  | { readonly type: 'drained' }

interface Entry {
  readonly level: string
  readonly ns: bigint
  readonly line: string
  readonly meta: Record<string, string> | undefined
}

interface Batch {
  readonly entries: Entry[]
}

/** The push-facing part of a shipper. */
export interface LokiShipper {
  /** Adds one serialised log line (JSON text as pino wrote it). Never throws. */
  push(line: string): void
  /** Seals the current batch and sends everything pending within `shutdownTimeoutMs`; the rest is dropped. */
  close(): Promise<void>
}

/**
 * Batches log lines and pushes them to Loki (the push API): streams keyed by labels (service, environment,
 * level + configured ones — never ids), entries sorted per stream, nanosecond string timestamps from BigInt,
 * `trace_id`/`span_id`/`request_id` as structured metadata, gzip, `X-Scope-OrgID`. One request at a time;
 * 429/5xx/network errors retried with exponential backoff + jitter (honouring `Retry-After`), other 4xx dropped
 * at once. Sealed batches wait in a bounded queue; overflow drops the oldest. Every drop is reported.
 *
 * @example
 * const shipper = createLokiShipper(options, (event) => counters.handle(event))
 * shipper.push('{"level":"info","time":"2024-05-01T10:00:00.000Z","msg":"hi"}')
 */
export function createLokiShipper(
  options: LokiShipperOptions,
  onEvent: (event: LokiShipperEvent) => void,
): LokiShipper {
  let current: Entry[] = []
  let currentBytes = 0
  const pending: Batch[] = []
  let sending = false
  let closing = false
  let down = false
  let lastMs = 0
  let seq = 0
  let wake: (() => void) | undefined
  let deadline = Number.POSITIVE_INFINITY

  const timer = setInterval(() => {
    seal()
    void pump()
  }, options.batchIntervalMs)
  timer.unref()

  function emit(event: LokiShipperEvent): void {
    try {
      onEvent(event)
    } catch {
      // reporting must not break shipping
    }
  }

  function seal(): void {
    if (current.length === 0) return
    pending.push({ entries: current })
    current = []
    currentBytes = 0
    while (pending.length > options.maxPendingBatches) {
      const dropped = pending.shift()!
      emit({ type: 'dropped', reason: 'queue_full', entries: dropped.entries.length })
    }
  }

  function toEntry(line: string): Entry | undefined {
    let obj: Record<string, unknown>
    try {
      obj = JSON.parse(line) as Record<string, unknown>
    } catch {
      obj = {}
    }
    const level = typeof obj.level === 'string' ? obj.level : 'info'
    let ms =
      typeof obj.time === 'string' ? Date.parse(obj.time) : typeof obj.time === 'number' ? obj.time : NaN
    if (!Number.isFinite(ms)) ms = Date.now()
    // Nanoseconds as BigInt (ms * 1e6 as a double loses precision); a sequence within one millisecond keeps
    // lines distinct and ordered.
    seq = ms === lastMs ? seq + 1 : 0
    lastMs = ms
    const ns = BigInt(ms) * 1_000_000n + BigInt(seq % 1_000_000)
    let meta: Record<string, string> | undefined
    for (const field of LOKI_METADATA_FIELDS) {
      const v = obj[field]
      if (typeof v === 'string' && v.length > 0) {
        meta ??= {}
        meta[field] = v
      }
    }
    return { level, ns, line, meta }
  }

  function body(entries: readonly Entry[]): string {
    const streams = new Map<string, Entry[]>()
    for (const e of entries) {
      let list = streams.get(e.level)
      if (list === undefined) {
        list = []
        streams.set(e.level, list)
      }
      list.push(e)
    }
    const out: unknown[] = []
    for (const [level, list] of streams) {
      list.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0))
      out.push({
        stream: { ...options.labels, level },
        values: list.map((e) =>
          e.meta === undefined ? [e.ns.toString(), e.line] : [e.ns.toString(), e.line, e.meta],
        ),
      })
    }
    return JSON.stringify({ streams: out })
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms)
      t.unref()
      wake = () => {
        clearTimeout(t)
        resolve()
      }
    })
  }

  /** `ok`, `retry` (+ delay hint) or `reject`. */
  async function sendOnce(
    payload: Buffer | string,
  ): Promise<{ outcome: 'ok' | 'retry' | 'reject'; after?: number; error?: string }> {
    const timeout = Math.max(1, Math.min(options.timeoutMs, deadline - Date.now()))
    try {
      const res = await fetch(options.pushUrl, {
        method: 'POST',
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
        },
        body: payload,
        signal: AbortSignal.timeout(timeout),
      })
      await res.arrayBuffer().catch(() => undefined)
      if (res.status >= 200 && res.status < 300) return { outcome: 'ok' }
      if (res.status === 429 || res.status >= 500) {
        const ra = Number(res.headers.get('retry-after'))
        return {
          outcome: 'retry',
          ...(Number.isFinite(ra) && ra > 0 ? { after: ra * 1000 } : {}),
          error: `HTTP ${res.status}`,
        }
      }
      return { outcome: 'reject', error: `HTTP ${res.status}` }
    } catch (err) {
      return {
        outcome: 'retry',
        error: (err as Error).name === 'TimeoutError' ? 'timeout' : String((err as Error).message),
      }
    }
  }

  async function ship(batch: Batch): Promise<void> {
    let payload: Buffer | string
    try {
      const text = body(batch.entries)
      payload = options.gzip ? await gzip(text) : text
    } catch {
      emit({ type: 'dropped', reason: 'rejected', entries: batch.entries.length })
      return
    }
    for (let attempt = 0; ; attempt++) {
      const r = await sendOnce(payload)
      if (r.outcome === 'ok') {
        if (down) {
          down = false
          emit({ type: 'up' })
        }
        emit({ type: 'sent', entries: batch.entries.length })
        return
      }
      if (r.outcome === 'reject') {
        emit({ type: 'dropped', reason: 'rejected', entries: batch.entries.length })
        return
      }
      if (!down) {
        down = true
        emit({ type: 'down', error: r.error ?? 'unknown' })
      }
      if (attempt >= options.maxRetries || Date.now() >= deadline) {
        emit({
          type: 'dropped',
          reason: closing ? 'shutdown' : 'retries_exhausted',
          entries: batch.entries.length,
        })
        return
      }
      const backoff = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** attempt)
      const delay = Math.min(
        options.retryMaxMs,
        Math.max(r.after ?? 0, backoff / 2 + Math.random() * (backoff / 2)),
      )
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())))
    }
  }

  async function pump(): Promise<void> {
    if (sending) return
    sending = true
    try {
      while (pending.length > 0) {
        await ship(pending.shift()!)
      }
    } finally {
      sending = false
    }
  }

  let closed: Promise<void> | undefined
  return {
    push(line) {
      if (closing) return
      try {
        const entry = toEntry(line)
        if (entry === undefined) return
        current.push(entry)
        currentBytes += line.length
        if (current.length >= options.batchSize || currentBytes >= options.maxBatchBytes) {
          seal()
          void pump()
        }
      } catch {
        // never into the host
      }
    },
    close() {
      closed ??= (async () => {
        closing = true
        clearInterval(timer)
        deadline = Date.now() + options.shutdownTimeoutMs
        seal()
        wake?.()
        // Wait for an in-flight pump, then drain what is left, all bounded by the deadline.
        while (sending && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
        if (!sending) await pump()
        for (const batch of pending.splice(0)) {
          emit({ type: 'dropped', reason: 'shutdown', entries: batch.entries.length })
        }
      })()
      return closed
    },
  }
}
