import { IDEMPOTENCY_KEY_HEADER } from '../conventions.ts'
import type { AlertChannel } from '../routingConfig.ts'
import {
  type AlertMessage,
  type ChannelContext,
  type ChannelRequest,
  joinUrl,
  truncate,
} from './channelRequest.ts'

type PagerDutyChannel = Extract<AlertChannel, { type: 'pagerduty' }>

const MAX_BYTES = 500_000

/**
 * Renders a PagerDuty Events v2 request: `trigger` with a full payload, `acknowledge` and
 * `resolve` with only routing_key, dedup_key and event_action. The dedup key is the same for every action of a
 * fingerprint, so a resolve closes the incident its trigger opened. Oversized payloads drop `custom_details`.
 *
 * @example
 * pagerdutyRequest(channel, message, ctx) // { url: 'https://events.pagerduty.com/v2/enqueue', headers, body }
 */
export function pagerdutyRequest(
  channel: PagerDutyChannel,
  m: AlertMessage,
  ctx: ChannelContext,
): ChannelRequest {
  const url = joinUrl(ctx.endpoints.pagerduty, '/v2/enqueue')
  const headers = { 'content-type': 'application/json', [IDEMPOTENCY_KEY_HEADER]: m.idempotencyKey }
  if (m.action !== 'trigger') {
    return {
      url,
      headers,
      body: JSON.stringify({
        routing_key: channel.routingKey,
        dedup_key: m.dedupKey,
        event_action: m.action,
      }),
    }
  }
  const payload: Record<string, unknown> = {
    summary: truncate(m.summary || m.alertname, 1024),
    source: truncate(channel.source ?? m.labels.instance ?? ctx.instance, 255),
    severity: m.severity,
    timestamp: new Date(m.createdAt).toISOString(),
    ...(channel.component !== undefined ? { component: channel.component } : {}),
    group: channel.group ?? m.tenant,
    class: channel.class ?? m.alertname,
    custom_details: {
      tenant: m.tenant,
      alertname: m.alertname,
      fingerprint: m.fingerprint,
      labels: m.labels,
      annotations: m.annotations,
      origin: m.source,
    },
  }
  const event: Record<string, unknown> = {
    routing_key: channel.routingKey,
    event_action: 'trigger',
    dedup_key: m.dedupKey,
    payload,
    client: `Lookout (${ctx.service})`,
    ...(channel.clientUrl !== undefined ? { client_url: channel.clientUrl } : {}),
  }
  let body = JSON.stringify(event)
  if (Buffer.byteLength(body) > MAX_BYTES) {
    payload.custom_details = {
      tenant: m.tenant,
      alertname: m.alertname,
      fingerprint: m.fingerprint,
      truncated: true,
    }
    body = JSON.stringify(event)
  }
  return { url, headers, body }
}
