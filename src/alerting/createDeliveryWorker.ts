import type { OutboundGuard } from '../outbound/createOutboundGuard.ts'
import type { Store } from '../store/createStore.ts'
import type { Delivery } from '../store/repositories/alertDeliveriesRepository.ts'
import type { AlertMessage, ChannelContext } from './channels/channelRequest.ts'
import { renderChannelRequest } from './channels/renderChannelRequest.ts'
import type { AlertingMetrics } from './createAlertingMetrics.ts'
import { failureDetail } from './deliveryFailure.ts'
import { classifyAttempt, retryDelay } from './deliveryPolicy.ts'
import { alertIdempotencyKey } from './idempotencyKey.ts'
import type { AlertChannel, AlertRoutingConfig } from './routingConfig.ts'
import { type SendResult, sendChannelRequest } from './sendChannelRequest.ts'

/** Options of {@link createDeliveryWorker}. */
export interface DeliveryWorkerOptions {
  /** The open store (called per round, so a closed store just pauses the worker). */
  readonly store: () => Store | undefined
  /** The tenant's current routing config (cached by the caller). */
  readonly loadConfig: (tenant: string) => Promise<AlertRoutingConfig | undefined>
  /** Lease owner id of this process. */
  readonly owner: string
  readonly pollIntervalMs: number
  /** Max deliveries in flight in this process. */
  readonly batchSize: number
  readonly maxAttempts: number
  readonly backoffBaseMs: number
  readonly backoffMaxMs: number
  readonly timeoutMs: number
  /** A claim's lease; renewed every third of it while an attempt is in flight. */
  readonly leaseMs: number
  readonly context: Omit<ChannelContext, 'now'>
  /** Checks every channel URL when it is sent and connects only to vetted addresses. */
  readonly guard: OutboundGuard
  readonly metrics: AlertingMetrics | undefined
  /** Redacts text written to history (error details). */
  readonly redactText: (text: string) => string
  /** Told about store failures (logged once per burst by the caller). */
  readonly onError: (event: string, error: unknown) => void
  readonly now?: () => number
  readonly random?: () => number
  /** Replaces the HTTP send (tests of the policy only; integration tests use real receivers). */
  readonly send?: typeof sendChannelRequest
}

/** The outbox worker. */
export interface DeliveryWorker {
  /** Starts the loop (idempotent). */
  start(): void
  /** Polls now instead of at the next interval (called after an alert is enqueued). */
  wake(): void
  /** Stops claiming, waits for in-flight attempts (each bounded by the timeout). Idempotent. */
  stop(): Promise<void>
  /** Deliveries in flight in this process. */
  readonly inFlight: number
}

/**
 * The durable outbox worker: claims due deliveries (leased, so another replica or a restarted process never
 * sends the same row concurrently), renders and sends them, and records each attempt: delivered, retried with
 * exponential backoff + jitter (honouring `Retry-After`), or dead-lettered (permanent 4xx, or `maxAttempts`).
 * Claims are fenced: the lease is renewed right before the send and every third of `leaseMs` during it; when a
 * renewal finds the claim taken over (this process stalled past its lease), the send is not started or is
 * cancelled, and nothing is recorded — the new holder owns the row. Every request carries the action's
 * idempotency key, so a repeat that still gets through (a crash between send and record) can be dropped by the
 * receiver. In-memory work is bounded by `batchSize`; nothing is queued in memory that is not in the store.
 *
 * @example
 * const worker = createDeliveryWorker({ store: () => store, loadConfig, owner, ...config.alerting.worker, ... })
 * worker.start()
 */
export function createDeliveryWorker(o: DeliveryWorkerOptions): DeliveryWorker {
  const now = o.now ?? Date.now
  const send = o.send ?? sendChannelRequest
  const inFlight = new Set<Promise<void>>()
  let running = false
  let stopping = false
  let loopDone: Promise<void> | undefined
  let wakeUp: (() => void) | undefined
  let woken = false

  const wake = () => {
    woken = true
    wakeUp?.()
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopping) {
        woken = false
        resolve()
        return
      }
      const timer = setTimeout(done, ms)
      timer.unref()
      function done() {
        clearTimeout(timer)
        wakeUp = undefined
        woken = false
        resolve()
      }
      wakeUp = done
    })

  async function loop() {
    while (!stopping) {
      const store = o.store()
      const free = o.batchSize - inFlight.size
      if (store === undefined || free <= 0) {
        await sleep(o.pollIntervalMs)
        continue
      }
      let claimed: Delivery[]
      try {
        claimed = await store.alertDeliveries.claimDue(o.owner, o.leaseMs, free)
      } catch (err) {
        o.onError('alert_outbox_claim_failed', err)
        await sleep(o.pollIntervalMs)
        continue
      }
      for (const d of claimed) {
        const p: Promise<void> = attempt(store, d)
          .catch((err) => o.onError('alert_delivery_failed', err))
          .finally(() => {
            inFlight.delete(p)
            wake()
          })
        inFlight.add(p)
      }
      if (claimed.length === free && !stopping) continue
      await sleep(o.pollIntervalMs)
    }
  }

  async function attempt(store: Store, d: Delivery): Promise<void> {
    const token = d.leaseOwner ?? ''
    const [event, config] = await Promise.all([store.alertEvents.get(d.eventId), o.loadConfig(d.tenant)])
    const channel = config?.channels.find((c) => c.id === d.channelId && c.type === d.channelType)
    if (event === undefined || channel === undefined) {
      const applied = await store.alertDeliveries.complete(d.id, token, {
        state: 'dead',
        error:
          event === undefined
            ? failureDetail('event_removed', 'event no longer exists')
            : failureDetail('channel_removed', 'channel no longer configured'),
      })
      if (applied) o.metrics?.delivery(d.channelType, 'dead')
      return
    }
    const message: AlertMessage = {
      deliveryId: d.id,
      eventId: event.id,
      action: d.action,
      dedupKey: d.dedupKey,
      idempotencyKey: alertIdempotencyKey({ dedupKey: d.dedupKey, eventId: event.id, action: d.action }),
      tenant: event.tenant,
      fingerprint: event.fingerprint,
      alertname: event.alertname,
      severity: event.severity,
      status: event.status,
      summary: event.summary,
      labels: event.labels,
      annotations: event.annotations,
      source: event.source,
      createdAt: event.createdAt,
    }
    // The claim may have lapsed while this process was starved between claiming and sending.
    if (!(await store.alertDeliveries.renew(d.id, token, o.leaseMs))) return
    const lost = new AbortController()
    const renewal = setInterval(
      () => {
        store.alertDeliveries.renew(d.id, token, o.leaseMs).then(
          (held) => {
            if (!held) lost.abort()
          },
          (err) => o.onError('alert_lease_renew_failed', err),
        )
      },
      Math.max(1, Math.floor(o.leaseMs / 3)),
    )
    renewal.unref()
    const started = now()
    let result: SendResult
    try {
      const req = renderChannelRequest(channel, message, { ...o.context, now: started })
      result = await send(req, { timeoutMs: o.timeoutMs, now, signal: lost.signal, guard: o.guard })
    } catch (err) {
      result = {
        status: undefined,
        retryAfterMs: undefined,
        detail: failureDetail('render_error', (err as Error).name),
        reason: 'render_error',
      }
    } finally {
      clearInterval(renewal)
    }
    if (lost.signal.aborted) return
    o.metrics?.duration(channel.type, (now() - started) / 1000)
    const verdict = classifyAttempt(result)
    const attempts = d.attempts + 1
    const error = verdict === 'delivered' ? undefined : scrub(result.detail, channel, o.redactText)
    if (verdict === 'delivered') {
      if (await store.alertDeliveries.complete(d.id, token, { state: 'delivered', status: result.status }))
        o.metrics?.delivery(channel.type, 'delivered')
    } else if (verdict === 'dead' || attempts >= o.maxAttempts) {
      if (await store.alertDeliveries.complete(d.id, token, { state: 'dead', status: result.status, error }))
        o.metrics?.delivery(channel.type, 'dead')
    } else {
      const delay = retryDelay(
        attempts,
        { baseMs: o.backoffBaseMs, maxMs: o.backoffMaxMs },
        result.retryAfterMs,
        o.random,
      )
      const applied = await store.alertDeliveries.complete(d.id, token, {
        state: 'pending',
        status: result.status,
        error,
        nextAttemptAt: now() + delay,
      })
      if (applied) o.metrics?.delivery(channel.type, 'retry')
    }
  }

  return {
    start() {
      if (running || stopping) return
      running = true
      loopDone = loop()
    },
    wake,
    async stop() {
      stopping = true
      wake()
      await loopDone
      await Promise.allSettled([...inFlight])
    },
    get inFlight() {
      return inFlight.size
    },
  }
}

/** Removes the channel's secrets from an error text, then redacts it. */
function scrub(text: string, channel: AlertChannel, redactText: (t: string) => string): string {
  let out = text
  for (const key of ['routingKey', 'apiKey', 'secret', 'url'] as const) {
    const v = (channel as Record<string, unknown>)[key]
    if (typeof v === 'string' && v.length >= 8) out = out.split(v).join('[REDACTED]')
  }
  return redactText(out).slice(0, 500)
}
