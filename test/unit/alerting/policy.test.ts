import assert from 'node:assert/strict'
import { test } from 'node:test'
import { opsgenieRequest } from '../../../src/alerting/channels/opsgenieRequest.ts'
import { pagerdutyRequest } from '../../../src/alerting/channels/pagerdutyRequest.ts'
import { renderChannelRequest } from '../../../src/alerting/channels/renderChannelRequest.ts'
import { signWebhook } from '../../../src/alerting/channels/webhookRequest.ts'
import { IDEMPOTENCY_KEY_HEADER } from '../../../src/alerting/conventions.ts'
import { classifyAttempt, retryDelay } from '../../../src/alerting/deliveryPolicy.ts'
import { alertFingerprint, dedupKey } from '../../../src/alerting/fingerprint.ts'
import { alertIdempotencyKey } from '../../../src/alerting/idempotencyKey.ts'
import { normalizeSeverity } from '../../../src/alerting/normalizeSeverity.ts'
import { matchChannels, validateRoutingConfig } from '../../../src/alerting/routingConfig.ts'
import { parseRetryAfter } from '../../../src/alerting/sendChannelRequest.ts'
import { opsgenieCreateProblems } from '../../support/receivers/opsgenieContract.ts'
import { pagerdutyProblems } from '../../support/receivers/pagerdutyContract.ts'
import { verifyWebhookSignature } from '../../support/receivers/webhookContract.ts'

const verdicts: [number | undefined, string][] = [
  [200, 'delivered'],
  [202, 'delivered'],
  [undefined, 'retry'],
  [408, 'retry'],
  [429, 'retry'],
  [500, 'retry'],
  [503, 'retry'],
  [301, 'dead'],
  [400, 'dead'],
  [401, 'dead'],
  [404, 'dead'],
  [422, 'dead'],
]
for (const [status, verdict] of verdicts) {
  test(`an attempt answered ${status ?? 'with no response'} is ${verdict}`, () => {
    assert.equal(classifyAttempt({ status, retryAfterMs: undefined, detail: '' }), verdict)
  })
}

test('retry delays grow exponentially with jitter in [d/2, d], cap at the max, and honour a longer Retry-After', () => {
  const o = { baseMs: 1000, maxMs: 60_000 }
  assert.deepEqual(
    [1, 2, 3, 4].map((a) => retryDelay(a, o, undefined, () => 1)),
    [1000, 2000, 4000, 8000],
  )
  assert.deepEqual(
    [1, 2, 3].map((a) => retryDelay(a, o, undefined, () => 0)),
    [500, 1000, 2000],
  )
  assert.equal(
    retryDelay(20, o, undefined, () => 1),
    60_000,
  )
  assert.equal(
    retryDelay(1, o, 30_000, () => 1),
    30_000,
  )
  assert.equal(
    retryDelay(1, o, 3_600_000, () => 1),
    60_000,
  )
})

test('Retry-After is read as seconds or as an HTTP date', () => {
  assert.equal(parseRetryAfter('120', 0), 120_000)
  assert.equal(parseRetryAfter('Wed, 01 May 2024 10:00:30 GMT', Date.parse('2024-05-01T10:00:00Z')), 30_000)
  assert.equal(parseRetryAfter('soon', 0), undefined)
})

test('the fingerprint ignores label order and the alertname label, and differs per tenant', () => {
  const a = alertFingerprint('acme', 'X', { b: '2', a: '1' })
  assert.equal(a, alertFingerprint('acme', 'X', { a: '1', b: '2', alertname: 'X' }))
  assert.notEqual(a, alertFingerprint('globex', 'X', { a: '1', b: '2' }))
  assert.match(a, /^[0-9a-f]{32}$/)
  assert.ok(dedupKey('t'.repeat(300), 'n'.repeat(300), a).length <= 255)
})

test('severities from any source map onto the four PagerDuty severities', () => {
  assert.deepEqual(
    ['page', 'CRITICAL', 'high', 'warn', 'ticket', 'low', undefined, 'weird'].map((s) =>
      normalizeSeverity(s),
    ),
    ['critical', 'critical', 'error', 'warning', 'warning', 'info', 'warning', 'warning'],
  )
})

test('routes match in order on severity and labels; continue fans out further', () => {
  const r = validateRoutingConfig(
    {
      channels: [
        { id: 'pd', type: 'pagerduty', routingKey: 'R0123456789abcdef0123456789abcde' },
        { id: 'hook', type: 'webhook', url: 'https://hooks.example/x', secret: 's'.repeat(16) },
      ],
      routes: [
        { match: { severity: ['critical'], labels: { team: 'auth' } }, channels: ['pd'], continue: true },
        { match: { labels: { team: 'auth' } }, channels: ['hook'] },
        { channels: ['pd'] },
      ],
    },
    undefined,
  )
  assert.ok(r.ok)
  const ids = (sev: string, labels: Record<string, string>) =>
    matchChannels(r.config, sev, labels).map((c) => c.id)
  assert.deepEqual(ids('critical', { team: 'auth' }), ['pd', 'hook'])
  assert.deepEqual(ids('warning', { team: 'auth' }), ['hook'])
  assert.deepEqual(ids('warning', { team: 'billing' }), ['pd'])
})

test('webhook and Slack hosts outside alerting.webhookHosts are refused', () => {
  const r = validateRoutingConfig(
    {
      channels: [{ id: 'h', type: 'webhook', url: 'http://169.254.169.254/latest', secret: 's'.repeat(16) }],
    },
    undefined,
    { webhookHosts: ['*.example.com'] },
  )
  assert.equal(r.ok, false)
})

const message = {
  deliveryId: 1,
  eventId: 1,
  action: 'trigger' as const,
  dedupKey: 'acme/HighErrors/0123456789abcdef',
  idempotencyKey: alertIdempotencyKey({
    dedupKey: 'acme/HighErrors/0123456789abcdef',
    eventId: 1,
    action: 'trigger',
  }),
  tenant: 'acme',
  fingerprint: '0123456789abcdef0123456789abcdef',
  alertname: 'HighErrors',
  severity: 'critical',
  status: 'firing',
  summary: '🔥'.repeat(200),
  labels: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`label${i}`, 'v'.repeat(400)])),
  annotations: { description: 'd'.repeat(20_000) },
  source: 'code',
  createdAt: Date.parse('2024-05-01T10:00:00Z'),
}
const ctx = {
  service: 'api',
  instance: 'api-7f8c9',
  endpoints: { pagerduty: 'https://pd', opsgenie: 'https://og', opsgenieEu: 'https://og-eu' },
  now: 0,
}

test('oversized alerts are trimmed to the PagerDuty and Opsgenie limits the strict receivers enforce', () => {
  const pd = pagerdutyRequest(
    { id: 'pd', type: 'pagerduty', routingKey: 'R0123456789abcdef0123456789abcde' },
    message,
    ctx,
  )
  assert.deepEqual(pagerdutyProblems(JSON.parse(pd.body), Buffer.byteLength(pd.body)), [])
  const og = opsgenieRequest(
    {
      id: 'og',
      type: 'opsgenie',
      apiKey: 'k'.repeat(16),
      region: 'eu',
      tags: Array.from({ length: 25 }, (_, i) => `t${i}`),
    },
    message,
    ctx,
  )
  assert.ok(og.url.startsWith('https://og-eu/v2/alerts'))
  assert.deepEqual(opsgenieCreateProblems(JSON.parse(og.body)), [])
})

test('a webhook signature verifies, and fails for another body, secret or a stale timestamp', () => {
  const body = '{"a":1}'
  const sig = signWebhook('s'.repeat(16), body, 1000)
  assert.equal(verifyWebhookSignature('s'.repeat(16), body, sig, 1000), true)
  assert.equal(verifyWebhookSignature('s'.repeat(16), '{"a":2}', sig, 1000), false)
  assert.equal(verifyWebhookSignature('x'.repeat(16), body, sig, 1000), false)
  assert.equal(verifyWebhookSignature('s'.repeat(16), body, sig, 1000 + 301), false)
})

test('every channel request carries the action idempotency key: the same per event and action, new for another', () => {
  const channels = [
    { id: 'pd', type: 'pagerduty', routingKey: 'R0123456789abcdef0123456789abcde' },
    { id: 'og', type: 'opsgenie', apiKey: 'k'.repeat(16), region: 'us' },
    { id: 'hook', type: 'webhook', url: 'https://hooks.example.com/a', secret: 's'.repeat(16) },
    { id: 'slack', type: 'slack', url: 'https://hooks.slack.com/services/T/B/X' },
  ] as const
  const keyOf = (eventId: number, action: 'trigger' | 'resolve') =>
    alertIdempotencyKey({ dedupKey: message.dedupKey, eventId, action })
  assert.equal(keyOf(1, 'trigger'), keyOf(1, 'trigger'))
  assert.notEqual(keyOf(1, 'trigger'), keyOf(1, 'resolve'))
  assert.notEqual(keyOf(1, 'trigger'), keyOf(2, 'trigger'))
  for (const channel of channels) {
    for (const [eventId, action] of [
      [1, 'trigger'],
      [2, 'resolve'],
    ] as const) {
      const key = keyOf(eventId, action)
      const req = renderChannelRequest(channel, { ...message, eventId, action, idempotencyKey: key }, ctx)
      assert.equal(req.headers[IDEMPOTENCY_KEY_HEADER], key, `${channel.type} ${action} header`)
      const body = JSON.parse(req.body) as Record<string, unknown>
      const inBody = {
        pagerduty: body.dedup_key,
        opsgenie: action === 'trigger' ? body.alias : 'n/a',
        webhook: body.idempotencyKey,
        slack: body.idempotency_key,
      }
      if (channel.type === 'webhook' || channel.type === 'slack') assert.equal(inBody[channel.type], key)
      // PagerDuty and Opsgenie deduplicate on the alert's dedup key / alias, which every action shares.
      if (channel.type === 'pagerduty') assert.equal(inBody.pagerduty, message.dedupKey)
      if (channel.type === 'opsgenie' && action === 'trigger') assert.equal(inBody.opsgenie, message.dedupKey)
    }
  }
})
