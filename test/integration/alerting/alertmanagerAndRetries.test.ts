import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startPostgres } from '../../support/postgres.ts'
import type { PagerDutyEvent } from '../../support/receivers/pagerdutyContract.ts'
import { ACME_KEY, alertingHarness, allChannels } from './alertingHarness.ts'

function notification(status: 'firing' | 'resolved', startsAt = '2024-05-01T10:00:00.000Z') {
  const labels = { alertname: 'HighErrorRate', tenant: 'acme', severity: 'page', service: 'api' }
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status,
    receiver: 'lookout',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: labels,
    commonAnnotations: { summary: '5xx ratio above 1%' },
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status,
        labels,
        annotations: { summary: '5xx ratio above 1%' },
        startsAt,
        endsAt: status === 'resolved' ? '2024-05-01T10:10:00.000Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph',
        fingerprint: 'c0ffee0123456789',
      },
    ],
  }
}

test('the Alertmanager receiver is idempotent per alert, maps severity and resolves, and answers 503 while the store is down', async (t) => {
  const pg = await startPostgres(t)
  if (pg === undefined) return
  t.after(() => pg.stop())
  const { call, receiver } = await alertingHarness(t, { storeUrl: pg.url, cooldownSeconds: 0 })
  const cfg = allChannels(receiver.url)
  await call('PUT', '/observability/alerts/config/acme', {
    channels: [cfg.channels[0]],
    routes: [{ channels: ['pd'] }],
  })

  const first = await call('POST', '/observability/alerts/alertmanager', notification('firing'))
  assert.equal(first.status, 200)
  assert.deepEqual(first.body, { received: 1, processed: 1, duplicates: 0, truncatedAlerts: 0 })
  // The same group re-sent (repeat_interval, or the HA peer): nothing new even with the cooldown off.
  const repeat = await call('POST', '/observability/alerts/alertmanager', notification('firing'))
  assert.deepEqual(repeat.body, { received: 1, processed: 0, duplicates: 1, truncatedAlerts: 0 })
  const resolved = await call('POST', '/observability/alerts/alertmanager', notification('resolved'))
  assert.equal(resolved.body.processed, 1)
  // A send that timed out after PagerDuty took it is retried with the same idempotency key (a repeat, not a page).
  await receiver.waitFor((r) => r.delivered('pagerduty').length === 2)
  const [trigger, resolve] = receiver.delivered('pagerduty').map((r) => r.body as PagerDutyEvent)
  assert.equal(trigger!.event_action, 'trigger')
  assert.equal(trigger!.payload.severity, 'critical')
  assert.equal(trigger!.payload.summary, '5xx ratio above 1%')
  assert.equal(resolve!.event_action, 'resolve')
  assert.equal(resolve!.dedup_key, trigger!.dedup_key)

  // A tenant-scoped key may only post its own tenant's alerts.
  const other = notification('firing')
  other.alerts[0]!.labels = { ...other.alerts[0]!.labels, tenant: 'globex' }
  assert.equal((await call('POST', '/observability/alerts/alertmanager', other, ACME_KEY)).status, 403)
  assert.equal((await call('POST', '/observability/alerts/alertmanager', { version: '3' })).status, 422)

  await pg.pause()
  const down = await call(
    'POST',
    '/observability/alerts/alertmanager',
    notification('firing', '2024-05-02T00:00:00Z'),
  )
  assert.equal(down.status, 503)
  assert.equal(down.headers['retry-after'], '5')
  await pg.resume()
  const retried = await call(
    'POST',
    '/observability/alerts/alertmanager',
    notification('firing', '2024-05-02T00:00:00Z'),
  )
  assert.equal(retried.status, 200)
  assert.equal(retried.body.processed, 1)
})

test('a 429 with Retry-After is retried after the delay, a 400 is dead-lettered at once, and history shows both', async (t) => {
  // Backoff alone would retry within ~50 ms; the Retry-After (1 s, under the 2 s cap) must win.
  const { call, receiver, instance } = await alertingHarness(t, { backoffMaxMs: 2000 })
  const cfg = allChannels(receiver.url)
  await call('PUT', '/observability/alerts/config/acme', {
    channels: [cfg.channels[0], cfg.channels[2]],
    routes: [{ channels: ['pd', 'hook'] }],
  })
  const answers = new Map<string, number>()
  receiver.fail(({ kind }) => {
    const n = (answers.get(kind) ?? 0) + 1
    answers.set(kind, n)
    if (kind === 'pagerduty' && n === 1) return { status: 429, headers: { 'retry-after': '1' } }
    if (kind === 'webhook') return { status: 400 }
    return undefined
  })
  const fired = await call('POST', '/observability/alerts/fire/acme', {
    alertname: 'Slow',
    severity: 'error',
  })
  assert.equal(fired.status, 202)
  await receiver.waitFor((r) => r.accepted('pagerduty').length === 1)
  const pdRequests = receiver.requests.filter((r) => r.kind === 'pagerduty')
  assert.equal(pdRequests.length, 2)
  assert.equal(answers.get('pagerduty'), 2)
  assert.ok(pdRequests[1]!.at - pdRequests[0]!.at >= 950, 'Retry-After: 1 was not honoured')
  assert.equal(await instance.alerts.drain(10_000), true)
  const history = await call('GET', '/observability/alerts/history/acme')
  const deliveries = history.body.events[0].deliveries as {
    channelId: string
    state: string
    attempts: number
    lastStatus: number
    lastReason: string
    lastError: string
  }[]
  const pd = deliveries.find((d) => d.channelId === 'pd')!
  const hook = deliveries.find((d) => d.channelId === 'hook')!
  assert.deepEqual([pd.state, pd.attempts, pd.lastStatus], ['delivered', 2, 202])
  assert.deepEqual([hook.state, hook.attempts, hook.lastStatus], ['dead', 1, 400])
  assert.equal(hook.lastReason, 'http_4xx')
  assert.match(hook.lastError, /^http_4xx: HTTP 400/)
  assert.equal(receiver.requests.filter((r) => r.kind === 'webhook').length, 1)
  const metrics = await instance.registry.expose()
  assert.match(metrics, /lookout_alert_deliveries_total\{channel="pagerduty",outcome="retry"\} 1/)
  assert.match(metrics, /lookout_alert_deliveries_total\{channel="webhook",outcome="dead"\} 1/)
})
