import type { Delivery } from '../store/repositories/alertDeliveriesRepository.ts'
import type { AlertEventFields, AlertEventQuery } from '../store/repositories/alertEventsRepository.ts'
import type { AlertRef, AlertResult, FireInput } from './createAlertRouter.ts'
import type { DeliveryFailureReason } from './deliveryFailure.ts'
import type { AlertRoutingConfig, RoutingProblem } from './routingConfig.ts'

/** One delivery as shown in history. */
export interface HistoryDelivery {
  readonly id: number
  readonly channelId: string
  readonly channelType: string
  readonly action: string
  readonly dedupKey: string
  readonly state: Delivery['state']
  readonly attempts: number
  /** HTTP status of the last attempt (`null` when no response arrived). */
  readonly lastStatus: number | null
  /** Failure class of the last attempt (`http_5xx`, `timeout`, `refused_by_policy` …); `null` when none failed. */
  readonly lastReason: DeliveryFailureReason | null
  /**
   * Detail of the last failure (status line, start of the response body, network error), redacted and cut to
   * 500 characters; `null` unless the history was read with `errorDetails` (global operators).
   */
  readonly lastError: string | null
  readonly nextAttemptAt: string | null
  readonly deliveredAt: string | null
}

/** One history event with its deliveries. */
export interface HistoryEvent extends AlertEventFields {
  readonly id: number
  readonly status: string
  readonly suppressed: boolean
  readonly createdAt: string
  readonly deliveries: readonly HistoryDelivery[]
}

/** A page of history, newest first; pass `nextCursor` as `before` for the next page. */
export interface HistoryPage {
  readonly tenant: string
  readonly events: readonly HistoryEvent[]
  readonly nextCursor: number | null
  /** Suppressed repeats in the last 24 hours. */
  readonly suppressedLast24h: number
}

/**
 * `lookout.alerts`: fire, resolve and acknowledge alerts, manage per-tenant routing, read history. Every write
 * goes through the durable outbox. Methods reject with `LOOKOUT_ERR_STORE_NOT_STARTED` before `lookout.start()`.
 *
 * @example
 * await lookout.alerts.setConfig('acme', { channels: [{ id: 'pd', type: 'pagerduty', routingKey }],
 *   routes: [{ match: { severity: ['critical'] }, channels: ['pd'] }] })
 * await lookout.alerts.fire({ tenant: 'acme', alertname: 'HighErrorRate', severity: 'critical', summary: '5xx > 1%' })
 * await lookout.alerts.resolve({ tenant: 'acme', alertname: 'HighErrorRate' })
 */
export interface AlertsApi {
  fire(input: FireInput): Promise<AlertResult>
  /** Resolves (always passes the cooldown); goes to the same channels with the same dedup key. */
  resolve(ref: AlertRef): Promise<AlertResult>
  /** Acknowledges a firing alert (`firing: false` and nothing written when it is not firing). */
  acknowledge(ref: AlertRef): Promise<AlertResult & { firing: boolean }>
  /** The tenant's config with secrets masked; `undefined` when none is stored. */
  getConfig(tenant: string): Promise<(AlertRoutingConfig & { version: number }) | undefined>
  /** Validates and stores a config (masked secrets keep stored ones). Returns the masked result or the problems. */
  setConfig(
    tenant: string,
    config: unknown,
  ): Promise<
    { ok: true; version: number; config: AlertRoutingConfig } | { ok: false; problems: RoutingProblem[] }
  >
  /**
   * A page of history. `errorDetails` (default `true`) includes each failure's detail, which can carry a
   * receiver's response body; the ops route sets it only for global operator keys.
   */
  history(tenant: string, query?: AlertEventQuery, options?: { errorDetails?: boolean }): Promise<HistoryPage>
  /** Resolves when no delivery is pending or in flight, or after `timeoutMs` (default 30 000) with `false`. */
  drain(timeoutMs?: number): Promise<boolean>
}
