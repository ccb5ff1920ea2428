import { createHmac } from 'node:crypto'
import { IDEMPOTENCY_KEY_HEADER, WEBHOOK_HEADERS } from '../conventions.ts'
import type { AlertChannel } from '../routingConfig.ts'
import type { AlertMessage, ChannelContext, ChannelRequest } from './channelRequest.ts'

type WebhookChannel = Extract<AlertChannel, { type: 'webhook' }>

/**
 * Signs a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. Receivers recompute it,
 * compare in constant time and reject timestamps older than a few minutes (replays).
 *
 * @example
 * signWebhook('s3cret-s3cret-s3cret', '{"a":1}', 1714550400) // 't=1714550400,v1=5f1c…'
 */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')
  return `t=${unixSeconds},v1=${mac}`
}

/**
 * Renders the generic webhook: a JSON document with the alert and the action, signed with the channel secret
 * (re-signed with a fresh timestamp on every attempt), plus a delivery id and an idempotency key that stay the
 * same across retries.
 *
 * @example
 * webhookRequest(channel, message, ctx).headers['lookout-signature'] // 't=…,v1=…'
 */
export function webhookRequest(
  channel: WebhookChannel,
  m: AlertMessage,
  ctx: ChannelContext,
): ChannelRequest {
  const body = JSON.stringify({
    version: '1',
    deliveryId: String(m.deliveryId),
    idempotencyKey: m.idempotencyKey,
    action: m.action,
    status: m.action === 'trigger' ? 'firing' : m.action === 'resolve' ? 'resolved' : 'acknowledged',
    dedupKey: m.dedupKey,
    tenant: m.tenant,
    alert: {
      eventId: m.eventId,
      fingerprint: m.fingerprint,
      alertname: m.alertname,
      severity: m.severity,
      summary: m.summary,
      labels: m.labels,
      annotations: m.annotations,
      source: m.source,
      createdAt: new Date(m.createdAt).toISOString(),
    },
    service: ctx.service,
  })
  return {
    url: channel.url,
    allowedHosts: ctx.webhookHosts,
    headers: {
      'content-type': 'application/json',
      [WEBHOOK_HEADERS.signature]: signWebhook(channel.secret, body, Math.floor(ctx.now / 1000)),
      [WEBHOOK_HEADERS.delivery]: String(m.deliveryId),
      [WEBHOOK_HEADERS.action]: m.action,
      [IDEMPOTENCY_KEY_HEADER]: m.idempotencyKey,
    },
    body,
  }
}
