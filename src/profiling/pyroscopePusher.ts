import type { LookoutLogger } from '../logging/createLogger.ts'
import { PYROSCOPE_SPY_NAME } from './conventions.ts'
import type { ProfilingMetrics } from './profilingMetrics.ts'
import { pyroscopeMultipart } from './pyroscopeMultipart.ts'

/** One encoded window, ready to push. */
export interface ProfileWindow {
  /** gzipped pprof bytes. */
  readonly pprof: Uint8Array
  /** Window start, ms since epoch. */
  readonly fromMs: number
  /** Window end, ms since epoch. */
  readonly untilMs: number
}

/** Options of {@link createPyroscopePusher}. */
export interface PyroscopePusherOptions {
  /** Pyroscope base URL (`/ingest` is appended). */
  readonly url: string
  /** The `name` parameter (see `pyroscopeName`). */
  readonly name: string
  readonly sampleRateHz: number
  readonly authToken?: string | undefined
  readonly basicAuth?: { readonly user: string; readonly password: string } | undefined
  /** `X-Scope-OrgID`. */
  readonly tenantId?: string | undefined
  readonly timeoutMs: number
  /** Windows allowed to wait; beyond it the oldest is dropped (counted `outcome="dropped"`). */
  readonly maxQueued: number
  readonly metrics: ProfilingMetrics
  readonly logger: LookoutLogger
}

/** Pushes windows one at a time, off the request path; never throws. */
export interface PyroscopePusher {
  /** Queues a window (dropping the oldest waiting one when full). Never blocks. */
  enqueue(window: ProfileWindow): void
  /** Resolves when the queue is empty and nothing is in flight, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>
  /** Drops what is queued and aborts the push in flight. Idempotent. */
  close(): void
}

/**
 * Sends profile windows to Pyroscope's `POST /ingest` as `multipart/form-data` (field `profile`) with `name`,
 * `from`, `until` (Unix seconds), `spyName=nodespy` and `sampleRate` in the query, the way Pyroscope's own SDKs
 * do. Memory is bounded by `maxQueued` windows plus the one in flight; a slow or dead receiver costs dropped
 * windows (counted), never a blocked request or an exception in the host. Failures are logged once per burst
 * (first failure, then the recovery).
 *
 * @example
 * const pusher = createPyroscopePusher({ url: 'http://pyroscope:4040', name: 'identity{env=prod}', sampleRateHz: 100,
 *   timeoutMs: 10_000, maxQueued: 2, metrics, logger })
 * pusher.enqueue({ pprof, fromMs, untilMs })
 */
export function createPyroscopePusher(options: PyroscopePusherOptions): PyroscopePusher {
  const endpoint = new URL('ingest', options.url.endsWith('/') ? options.url : `${options.url}/`)
  const baseHeaders: Record<string, string> = { 'user-agent': 'lookout-profiler' }
  if (options.authToken !== undefined) baseHeaders.authorization = `Bearer ${options.authToken}`
  if (options.basicAuth !== undefined) {
    const pair = `${options.basicAuth.user}:${options.basicAuth.password}`
    baseHeaders.authorization = `Basic ${Buffer.from(pair).toString('base64')}`
  }
  if (options.tenantId !== undefined) baseHeaders['x-scope-orgid'] = options.tenantId

  const queue: ProfileWindow[] = []
  let sending: Promise<void> | undefined
  let inFlight: AbortController | undefined
  let closed = false
  let failures = 0
  const idle: (() => void)[] = []

  const setQueueGauge = () => options.metrics.queue.set(queue.length)

  async function send(window: ProfileWindow): Promise<void> {
    const url = new URL(endpoint)
    url.searchParams.set('name', options.name)
    url.searchParams.set('from', String(Math.floor(window.fromMs / 1000)))
    url.searchParams.set('until', String(Math.ceil(window.untilMs / 1000)))
    url.searchParams.set('spyName', PYROSCOPE_SPY_NAME)
    url.searchParams.set('sampleRate', String(options.sampleRateHz))
    const { body, contentType } = pyroscopeMultipart(window.pprof)
    const controller = new AbortController()
    inFlight = controller
    const timer = setTimeout(() => controller.abort(), options.timeoutMs)
    timer.unref()
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...baseHeaders, 'content-type': contentType },
        body,
        signal: controller.signal,
      })
      // The answer's body is not needed; release the connection without reading an unbounded body.
      await res.body?.cancel().catch(() => {})
      if (res.ok) {
        options.metrics.push('ok')
        if (failures > 0) {
          options.logger.info(
            { event: 'profile_push_recovered', failures },
            'Pyroscope accepts profiles again',
          )
          failures = 0
        }
      } else {
        options.metrics.push('rejected')
        noteFailure(`HTTP ${res.status}`)
      }
    } catch (err) {
      options.metrics.push('failed')
      noteFailure(controller.signal.aborted ? 'timeout' : ((err as Error)?.name ?? 'error'))
    } finally {
      clearTimeout(timer)
      inFlight = undefined
    }
  }

  function noteFailure(reason: string) {
    failures++
    if (failures === 1) {
      options.logger.warn(
        { event: 'profile_push_failed', reason, endpoint: endpoint.origin },
        'pushing a profile to Pyroscope failed; later failures are counted, not logged, until it recovers',
      )
    }
  }

  function pump() {
    if (sending !== undefined || closed) return
    sending = (async () => {
      while (!closed && queue.length > 0) {
        const next = queue.shift()!
        setQueueGauge()
        await send(next)
      }
    })().finally(() => {
      sending = undefined
      for (const resolve of idle.splice(0)) resolve()
    })
  }

  return {
    enqueue(window) {
      if (closed) return
      if (queue.length >= options.maxQueued) {
        queue.shift()
        options.metrics.push('dropped')
      }
      queue.push(window)
      setQueueGauge()
      pump()
    },
    drain(timeoutMs) {
      if (sending === undefined && queue.length === 0) return Promise.resolve()
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs)
        timer.unref()
        idle.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    },
    close() {
      if (closed) return
      closed = true
      queue.length = 0
      setQueueGauge()
      inFlight?.abort()
    },
  }
}
