import type { DeliveryAction } from '../../store/repositories/alertDeliveriesRepository.ts'
import type { AlertEventFields } from '../../store/repositories/alertEventsRepository.ts'

/** What a channel renders: one alert event and what to do with it. */
export interface AlertMessage extends AlertEventFields {
  readonly deliveryId: number
  readonly eventId: number
  readonly action: DeliveryAction
  readonly dedupKey: string
  /** Stable across every attempt of this event + action (see alertIdempotencyKey). */
  readonly idempotencyKey: string
  readonly tenant: string
  readonly status: string
  /** Event time, epoch ms. */
  readonly createdAt: number
}

/** Context a channel renders with. */
export interface ChannelContext {
  /** Service name and instance, for `source` fields. */
  readonly service: string
  readonly instance: string
  /** Vendor base URLs (config `alerting.endpoints`). */
  readonly endpoints: { readonly pagerduty: string; readonly opsgenie: string; readonly opsgenieEu: string }
  /** Hosts webhook and Slack channels may post to (config `alerting.webhookHosts`); `undefined` = any host. */
  readonly webhookHosts?: readonly string[] | undefined
  /** Current time, epoch ms (webhook signatures). */
  readonly now: number
}

/** One HTTP request to send. */
export interface ChannelRequest {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** Hosts the URL may name, checked when the request is sent; `undefined` = any host. */
  readonly allowedHosts?: readonly string[] | undefined
}

/** Cuts a string to `max` code points (never splitting a surrogate pair). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  const points = Array.from(text)
  return points.length <= max ? text : `${points.slice(0, Math.max(0, max - 1)).join('')}…`
}

/** Joins a base URL and a path without doubling slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`
}
