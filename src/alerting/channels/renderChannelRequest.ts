import type { AlertChannel } from '../routingConfig.ts'
import type { AlertMessage, ChannelContext, ChannelRequest } from './channelRequest.ts'
import { opsgenieRequest } from './opsgenieRequest.ts'
import { pagerdutyRequest } from './pagerdutyRequest.ts'
import { slackRequest } from './slackRequest.ts'
import { webhookRequest } from './webhookRequest.ts'

/**
 * Renders the HTTP request for any channel type (one switch; a new channel type is a new case and a new file).
 *
 * @example
 * const req = renderChannelRequest(channel, message, ctx)
 */
export function renderChannelRequest(
  channel: AlertChannel,
  m: AlertMessage,
  ctx: ChannelContext,
): ChannelRequest {
  switch (channel.type) {
    case 'pagerduty':
      return pagerdutyRequest(channel, m, ctx)
    case 'opsgenie':
      return opsgenieRequest(channel, m, ctx)
    case 'webhook':
      return webhookRequest(channel, m, ctx)
    case 'slack':
      return slackRequest(channel, m, ctx)
  }
}
