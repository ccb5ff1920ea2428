import { IDEMPOTENCY_KEY_HEADER } from '../conventions.ts'
import type { AlertChannel } from '../routingConfig.ts'
import { type AlertMessage, type ChannelContext, type ChannelRequest, truncate } from './channelRequest.ts'

type SlackChannel = Extract<AlertChannel, { type: 'slack' }>

const ICON: Readonly<Record<string, string>> = {
  trigger: ':rotating_light:',
  resolve: ':white_check_mark:',
  acknowledge: ':eyes:',
}

/** Escapes Slack mrkdwn control characters (`&`, `<`, `>`). */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * Renders a Slack-compatible incoming-webhook message (`{text}` plus a section block); also accepted by
 * Mattermost and Rocket.Chat incoming webhooks.
 *
 * @example
 * JSON.parse(slackRequest(channel, message, ctx).body).text // ':rotating_light: [CRITICAL] HighErrors — …'
 */
export function slackRequest(channel: SlackChannel, m: AlertMessage, ctx: ChannelContext): ChannelRequest {
  const state =
    m.action === 'trigger' ? m.severity.toUpperCase() : m.action === 'resolve' ? 'RESOLVED' : 'ACKNOWLEDGED'
  const headline = `${ICON[m.action]} [${state}] ${esc(m.alertname)} — ${esc(m.summary || m.alertname)} (${esc(m.tenant)})`
  const labels = Object.entries(m.labels)
    .map(([k, v]) => `\`${esc(k)}=${esc(v)}\``)
    .join(' ')
  const text = truncate(headline, 3000)
  return {
    url: channel.url,
    allowedHosts: ctx.webhookHosts,
    headers: { 'content-type': 'application/json', [IDEMPOTENCY_KEY_HEADER]: m.idempotencyKey },
    body: JSON.stringify({
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text } },
        ...(labels === ''
          ? []
          : [{ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(labels, 2000) }] }]),
      ],
      ...(channel.username !== undefined ? { username: channel.username } : {}),
      ...(channel.iconEmoji !== undefined ? { icon_emoji: channel.iconEmoji } : {}),
      // Slack and Mattermost ignore unknown fields; relays and bridges can dedupe on it.
      idempotency_key: m.idempotencyKey,
    }),
  }
}
