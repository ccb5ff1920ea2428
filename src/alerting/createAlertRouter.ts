import { z } from 'zod'
import { storeNotStartedError } from '../errors.ts'
import type { Store } from '../store/createStore.ts'
import type { Delivery, DeliveryAction } from '../store/repositories/alertDeliveriesRepository.ts'
import type { AlertEvent, AlertEventStatus } from '../store/repositories/alertEventsRepository.ts'
import type { Severity } from './conventions.ts'
import type { AlertingMetrics } from './createAlertingMetrics.ts'
import { alertFingerprint, dedupKey } from './fingerprint.ts'
import { normalizeSeverity } from './normalizeSeverity.ts'
import { type AlertRoutingConfig, matchChannels } from './routingConfig.ts'

const labelMap = z
  .record(z.string().min(1).max(128), z.string().max(1024))
  .refine((m) => Object.keys(m).length <= 64, {
    message: 'at most 64 entries',
  })

/** Schema of an alert to fire (API body and `fire()` input). */
export const fireInputSchema = z
  .object({
    alertname: z.string().min(1).max(256),
    severity: z.string().min(1).max(32).optional(),
    summary: z.string().max(4096).optional(),
    labels: labelMap.optional(),
    annotations: labelMap.optional(),
  })
  .strict()

/** Schema of a resolve / acknowledge: by fingerprint, or alertname + labels. */
export const alertRefSchema = z
  .object({
    fingerprint: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .optional(),
    alertname: z.string().min(1).max(256).optional(),
    labels: labelMap.optional(),
    summary: z.string().max(4096).optional(),
  })
  .strict()
  .refine(
    (r) => r.fingerprint !== undefined || r.alertname !== undefined,
    'fingerprint or alertname is required',
  )

/** An alert to fire. */
export interface FireInput {
  readonly tenant: string
  readonly alertname: string
  /** `critical` | `error` | `warning` | `info` (aliases like `page` are mapped). Default `warning`. */
  readonly severity?: Severity | string
  readonly summary?: string
  readonly labels?: Readonly<Record<string, string>>
  readonly annotations?: Readonly<Record<string, string>>
  /** Where it came from: `code` (default), `api`, `alertmanager`, `slo`, `status` … */
  readonly source?: string
  /** Alertmanager-style idempotency key: when already seen, nothing is written (`duplicate: true`). */
  readonly idempotencyKey?: string
}

/** An alert to resolve or acknowledge: by fingerprint, or by alertname + labels. */
export interface AlertRef {
  readonly tenant: string
  readonly fingerprint?: string
  readonly alertname?: string
  readonly labels?: Readonly<Record<string, string>>
  readonly summary?: string
  readonly source?: string
  readonly idempotencyKey?: string
}

/** What fire/resolve/acknowledge did. */
export interface AlertResult {
  /** Id of the history event written (`undefined` for a duplicate or a no-op). */
  readonly eventId: number | undefined
  readonly fingerprint: string
  readonly dedupKey: string
  /** A repeat inside the cooldown: recorded, not delivered. */
  readonly suppressed: boolean
  /** The idempotency key had been seen: nothing written. */
  readonly duplicate: boolean
  /** Channel ids deliveries were enqueued for. */
  readonly channels: readonly string[]
}

/** Options of {@link createAlertRouter}. */
export interface AlertRouterOptions {
  readonly store: () => Store | undefined
  readonly loadConfig: (tenant: string) => Promise<AlertRoutingConfig | undefined>
  readonly cooldownSeconds: number
  readonly metrics: AlertingMetrics | undefined
  /** Deep-redacts label/annotation maps and the summary before anything is stored or sent. */
  readonly redact: (value: unknown) => unknown
  /** Called after deliveries were enqueued. */
  readonly onEnqueued: () => void
  readonly now?: () => number
}

/** The router: fire / resolve / acknowledge → history event + outbox deliveries in one transaction. */
export interface AlertRouter {
  fire(input: FireInput): Promise<AlertResult>
  resolve(ref: AlertRef): Promise<AlertResult>
  acknowledge(ref: AlertRef): Promise<AlertResult & { firing: boolean }>
}

/**
 * Creates the router. Fingerprint = tenant + alertname + sorted labels. A fire whose fingerprint passed less than
 * the cooldown ago (and was not resolved since) is suppressed: written to history with `suppressed`, counted,
 * not delivered. The decision holds across replicas sharing the store: each passing action inserts, if absent, a
 * key naming the last passed event it decided from, so of N replicas handling the same alert at once one passes. Resolves always pass and go to the same channels as PagerDuty `resolve` / Opsgenie close with
 * the same dedup key. The event and its deliveries are written in one transaction, so an alert is either
 * recorded and queued, or the call fails (and Alertmanager, say, retries).
 *
 * @example
 * const router = createAlertRouter({ store: () => store, loadConfig, cooldownSeconds: 300, ... })
 * await router.fire({ tenant: 'acme', alertname: 'HighErrorRate', severity: 'critical', summary: '5xx > 1%' })
 */
export function createAlertRouter(o: AlertRouterOptions): AlertRouter {
  const now = o.now ?? Date.now
  // Per-fingerprint serialisation inside this process, so two concurrent fires of the same alert cannot both
  // pass the cooldown. Entries leave the map as soon as their call settles (bounded by concurrent calls).
  const locks = new Map<string, Promise<unknown>>()
  const serial = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prev = locks.get(key) ?? Promise.resolve()
    const next = prev.then(fn, fn)
    const tail = next.catch(() => {})
    locks.set(key, tail)
    void tail.then(() => {
      if (locks.get(key) === tail) locks.delete(key)
    })
    return next
  }

  const open = (): Store => {
    const s = o.store()
    if (s === undefined) throw storeNotStartedError()
    return s
  }

  const clean = (m: Readonly<Record<string, string>> | undefined): Record<string, string> => {
    if (m === undefined) return {}
    const r = o.redact({ ...m }) as Record<string, unknown>
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(r ?? {})) out[k] = String(v)
    return out
  }
  const cleanText = (t: string | undefined): string => (t === undefined ? '' : String(o.redact(t)))

  /**
   * Writes the event and its deliveries. `passKey` names the state this call decided from (the alert's last passed
   * event): it is inserted if absent in the same transaction, so of several replicas deciding from the same state at
   * once, one passes and the others `lose` — a fire is then recorded as suppressed, a resolve or acknowledge dropped.
   */
  async function record(
    store: Store,
    base: Omit<AlertEvent, 'id' | 'createdAt' | 'suppressed'>,
    suppressedByCooldown: boolean,
    action: DeliveryAction,
    channelIds: { id: string; type: string }[],
    key: string,
    idempotencyKey: string | undefined,
    passKey: string,
    lose: 'suppress' | 'drop',
  ): Promise<{ eventId: number | undefined; duplicate: boolean; suppressed: boolean }> {
    return store.transaction(async (tx) => {
      if (idempotencyKey !== undefined && !(await tx.alertIdempotency.claim(idempotencyKey))) {
        return { eventId: undefined, duplicate: true, suppressed: false }
      }
      let suppressed = suppressedByCooldown
      if (!suppressed && !(await tx.alertIdempotency.claim(passKey))) {
        if (lose === 'drop') return { eventId: undefined, duplicate: true, suppressed: false }
        suppressed = true
      }
      const eventId = await tx.alertEvents.insert({ ...base, suppressed, createdAt: now() })
      if (!suppressed && channelIds.length > 0) {
        await tx.alertDeliveries.insertMany(
          channelIds.map((c) => ({
            eventId,
            tenant: base.tenant,
            channelId: c.id,
            channelType: c.type,
            action,
            dedupKey: key,
          })),
        )
      }
      return { eventId, duplicate: false, suppressed }
    })
  }

  async function fire(input: FireInput): Promise<AlertResult> {
    const store = open()
    const labels = clean(input.labels)
    const fp = alertFingerprint(input.tenant, input.alertname, labels)
    const key = dedupKey(input.tenant, input.alertname, fp)
    return serial(fp, async () => {
      const config = await o.loadConfig(input.tenant)
      const cooldownMs = (config?.cooldownSeconds ?? o.cooldownSeconds) * 1000
      const last = await store.alertEvents.latestPassed(input.tenant, fp)
      const severity = normalizeSeverity(input.severity)
      const inCooldown =
        last !== undefined &&
        last.status !== 'resolved' &&
        cooldownMs > 0 &&
        now() - last.createdAt < cooldownMs
      const channels = inCooldown || config === undefined ? [] : matchChannels(config, severity, labels)
      const { eventId, duplicate, suppressed } = await record(
        store,
        {
          tenant: input.tenant,
          fingerprint: fp,
          alertname: input.alertname,
          severity,
          status: 'firing',
          summary: cleanText(input.summary ?? input.alertname),
          labels,
          annotations: clean(input.annotations),
          source: input.source ?? 'code',
        },
        inCooldown,
        'trigger',
        channels,
        key,
        input.idempotencyKey,
        passKey('trigger', input.tenant, fp, last?.id),
        'suppress',
      )
      if (!duplicate) {
        if (suppressed) o.metrics?.suppressed()
        else o.metrics?.fired(severity)
        if (channels.length > 0 && !suppressed) o.onEnqueued()
      }
      return {
        eventId,
        fingerprint: fp,
        dedupKey: key,
        suppressed,
        duplicate,
        channels: suppressed ? [] : channels.map((c) => c.id),
      }
    })
  }

  async function settle(ref: AlertRef, status: AlertEventStatus, action: DeliveryAction) {
    const store = open()
    const labels = clean(ref.labels)
    const fp = ref.fingerprint ?? alertFingerprint(ref.tenant, ref.alertname ?? '', labels)
    return serial(fp, async () => {
      const last = await store.alertEvents.latestPassed(ref.tenant, fp)
      const alertname = last?.alertname ?? ref.alertname ?? 'unknown'
      const key = dedupKey(ref.tenant, alertname, fp)
      const firing = last !== undefined && last.status !== 'resolved'
      // Another replica (or an earlier call) resolved it already: a second resolve would be a second notification.
      if (action === 'resolve' && last?.status === 'resolved') {
        return {
          eventId: undefined,
          fingerprint: fp,
          dedupKey: key,
          suppressed: false,
          duplicate: true,
          channels: [],
          firing,
        }
      }
      if (action === 'acknowledge' && !firing) {
        return {
          eventId: undefined,
          fingerprint: fp,
          dedupKey: key,
          suppressed: false,
          duplicate: false,
          channels: [],
          firing,
        }
      }
      const severity = last?.severity ?? 'info'
      const eventLabels = last?.labels ?? labels
      const config = await o.loadConfig(ref.tenant)
      const channels = config === undefined ? [] : matchChannels(config, severity, eventLabels)
      const { eventId, duplicate } = await record(
        store,
        {
          tenant: ref.tenant,
          fingerprint: fp,
          alertname,
          severity,
          status,
          summary: cleanText(ref.summary ?? last?.summary ?? alertname),
          labels: eventLabels,
          annotations: last?.annotations ?? {},
          source: ref.source ?? 'code',
        },
        false,
        action,
        channels,
        key,
        ref.idempotencyKey,
        passKey(action, ref.tenant, fp, last?.id),
        'drop',
      )
      if (!duplicate && channels.length > 0) o.onEnqueued()
      return {
        eventId,
        fingerprint: fp,
        dedupKey: key,
        suppressed: false,
        duplicate,
        channels: channels.map((c) => c.id),
        firing,
      }
    })
  }

  return {
    fire,
    resolve: (ref) => settle(ref, 'resolved', 'resolve'),
    acknowledge: (ref) => settle(ref, 'acknowledged', 'acknowledge'),
  }
}

/** The pass key of an action decided from the alert's last passed event (see `record`). */
function passKey(
  action: DeliveryAction,
  tenant: string,
  fingerprint: string,
  lastPassed: number | undefined,
) {
  return `pass|${action}|${tenant}|${fingerprint}|${lastPassed ?? 'none'}`
}

/** Deliveries grouped for history output. */
export type DeliveriesByEvent = Map<number, Delivery[]>
