import { IDEMPOTENCY_KEY_HEADER } from '../conventions.ts'
import type { AlertChannel } from '../routingConfig.ts'
import {
  type AlertMessage,
  type ChannelContext,
  type ChannelRequest,
  joinUrl,
  truncate,
} from './channelRequest.ts'

type OpsgenieChannel = Extract<AlertChannel, { type: 'opsgenie' }>

const DEFAULT_PRIORITY: Readonly<Record<string, string>> = {
  critical: 'P1',
  error: 'P2',
  warning: 'P3',
  info: 'P5',
}

/**
 * Renders an Opsgenie Alert API v2 request: create with every field inside Opsgenie's limits
 * (message 130 code points, alias 512, description 15 000, ≤ 20 tags of ≤ 50, string details ≤ 8 000 in total,
 * source 100), and close / acknowledge **by alias** (`identifierType=alias`), never by id.
 *
 * @example
 * opsgenieRequest(channel, { ...message, action: 'resolve' }, ctx).url
 * // 'https://api.opsgenie.com/v2/alerts/acme%2FHighErrors%2F…/close?identifierType=alias'
 */
export function opsgenieRequest(
  channel: OpsgenieChannel,
  m: AlertMessage,
  ctx: ChannelContext,
): ChannelRequest {
  const base = channel.region === 'eu' ? ctx.endpoints.opsgenieEu : ctx.endpoints.opsgenie
  const headers = {
    'content-type': 'application/json',
    authorization: `GenieKey ${channel.apiKey}`,
    [IDEMPOTENCY_KEY_HEADER]: m.idempotencyKey,
  }
  const alias = truncate(m.dedupKey, 512)
  const source = truncate(`lookout/${ctx.service}`, 100)
  if (m.action !== 'trigger') {
    const verb = m.action === 'resolve' ? 'close' : 'acknowledge'
    return {
      url: joinUrl(base, `/v2/alerts/${encodeURIComponent(alias)}/${verb}?identifierType=alias`),
      headers,
      body: JSON.stringify({
        source,
        user: 'Lookout',
        note: truncate(`${verb === 'close' ? 'Resolved' : 'Acknowledged'} via Lookout (${m.source})`, 25_000),
      }),
    }
  }
  const tags = [...(channel.tags ?? []), `tenant:${m.tenant}`, `severity:${m.severity}`]
    .map((t) => truncate(t, 50))
    .slice(0, 20)
  const description = [m.summary, ...Object.entries(m.annotations).map(([k, v]) => `${k}: ${v}`)].join('\n')
  const body: Record<string, unknown> = {
    message: truncate(m.summary || m.alertname, 130),
    alias,
    description: truncate(description, 15_000),
    tags,
    details: limitDetails({
      tenant: m.tenant,
      alertname: m.alertname,
      fingerprint: m.fingerprint,
      ...m.labels,
    }),
    entity: truncate(channel.entity ?? m.alertname, 512),
    source,
    priority:
      channel.priorities?.[m.severity as keyof typeof channel.priorities] ??
      DEFAULT_PRIORITY[m.severity] ??
      'P3',
  }
  if (channel.responders !== undefined && channel.responders.length > 0) body.responders = channel.responders
  return { url: joinUrl(base, '/v2/alerts'), headers, body: JSON.stringify(body) }
}

/** String→string details within 8 000 characters in total (keys + values); later entries are dropped. */
function limitDetails(details: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  let used = 0
  for (const [k, v] of Object.entries(details)) {
    const value = truncate(String(v), 1000)
    if (used + k.length + value.length > 8000) break
    out[k] = value
    used += k.length + value.length
  }
  return out
}
