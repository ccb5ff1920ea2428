import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PagerDutyEvent } from '../../support/receivers/pagerdutyContract.ts'
import { ACME_KEY, alertingHarness, allChannels, ROUTING_KEY } from './alertingHarness.ts'

test('routing config is validated with 422 listing problems, secrets are masked on read and kept when the mask is sent back', async (t) => {
  const { call, receiver } = await alertingHarness(t)
  const bad = await call('PUT', '/observability/alerts/config/acme', {
    channels: [
      { id: 'pd', type: 'pagerduty', routingKey: 'short' },
      { id: 'og', type: 'opsgenie', apiKey: 'genie-key-123456', region: 'mars' },
    ],
    routes: [{ channels: ['nope'] }],
  })
  assert.equal(bad.status, 422)
  const paths = bad.body.error.details.map((d: { path: string }) => d.path)
  assert.ok(paths.includes('channels.0.routingKey'), JSON.stringify(paths))
  assert.ok(paths.includes('channels.1.region'), JSON.stringify(paths))

  const unknownChannel = await call('PUT', '/observability/alerts/config/acme', {
    channels: [],
    routes: [{ channels: ['nope'] }],
  })
  assert.equal(unknownChannel.status, 422)
  assert.deepEqual(unknownChannel.body.error.details, [
    { path: 'routes.0.channels.0', message: 'unknown channel "nope"' },
  ])

  const maskForNew = await call('PUT', '/observability/alerts/config/acme', {
    channels: [{ id: 'pd', type: 'pagerduty', routingKey: '********' }],
  })
  assert.equal(maskForNew.status, 422)

  const put = await call('PUT', '/observability/alerts/config/acme', allChannels(receiver.url))
  assert.equal(put.status, 200)
  assert.equal(put.body.version, 1)
  const got = await call('GET', '/observability/alerts/config/acme')
  assert.equal(got.status, 200)
  const text = JSON.stringify(got.body)
  for (const secret of [ROUTING_KEY, 'genie-key-123456', 'whsec-0123456789abcdef', '/slack/T000']) {
    assert.ok(!text.includes(secret), `secret ${secret} leaked: ${text}`)
  }
  // Send the masked config back (as a UI would) with one change: the secrets stay.
  const edited = { ...got.body, tenant: undefined, version: undefined, cooldownSeconds: 60 }
  delete edited.tenant
  delete edited.version
  assert.equal((await call('PUT', '/observability/alerts/config/acme', edited)).status, 200)
  await call('POST', '/observability/alerts/fire/acme', { alertname: 'Check', severity: 'critical' })
  await receiver.waitFor((r) => r.accepted('pagerduty').length === 1)
  assert.equal((receiver.accepted('pagerduty')[0]!.body as { routing_key: string }).routing_key, ROUTING_KEY)
})

test('operator auth guards the alert endpoints: 401 without a key, 403 for another tenant', async (t) => {
  const { call } = await alertingHarness(t)
  assert.equal((await call('GET', '/observability/alerts/config/acme', undefined, null)).status, 401)
  assert.equal((await call('GET', '/observability/alerts/history/globex', undefined, ACME_KEY)).status, 403)
  assert.equal(
    (await call('POST', '/observability/alerts/fire/globex', { alertname: 'x' }, ACME_KEY)).status,
    403,
  )
  assert.equal((await call('GET', '/observability/alerts/history/acme', undefined, ACME_KEY)).status, 200)
  assert.equal((await call('GET', '/observability/alerts/config/acme', undefined, ACME_KEY)).status, 404)
})

test('an alert reaches every channel per its contract; a repeat is suppressed; resolve uses the same dedup key and closes by alias', async (t) => {
  const { call, receiver, instance } = await alertingHarness(t)
  await call('PUT', '/observability/alerts/config/acme', allChannels(receiver.url))
  const fired = await call('POST', '/observability/alerts/fire/acme', {
    alertname: 'HighErrorRate',
    severity: 'critical',
    summary: 'API 5xx ratio 4.2% > 1% for jane@example.com',
    labels: { route: '/login', env: 'prod' },
    annotations: { runbook: 'https://runbooks.example/high-errors' },
  })
  assert.equal(fired.status, 202)
  assert.equal(fired.body.suppressed, false)
  assert.deepEqual(fired.body.channels, ['pd', 'og', 'hook', 'slack'])
  await receiver.waitFor((r) => r.accepted().length === 4)
  assert.deepEqual(
    receiver.requests.filter((r) => r.problems.length > 0).map((r) => r.problems),
    [],
  )
  const pd = receiver.accepted('pagerduty')[0]!.body as PagerDutyEvent
  assert.equal(pd.event_action, 'trigger')
  assert.equal(pd.dedup_key, fired.body.dedupKey)
  assert.equal(pd.payload.severity, 'critical')
  assert.ok(!JSON.stringify(pd).includes('jane@example.com'), 'summary was not redacted')
  const og = receiver.accepted('opsgenie')[0]!
  assert.equal(og.headers.authorization, 'GenieKey genie-key-123456')
  assert.equal((og.body as { alias: string; priority: string }).alias, fired.body.dedupKey)
  assert.equal((og.body as { priority: string }).priority, 'P1')

  // Same alert again (labels in another order): suppressed, recorded, not delivered.
  const again = await call('POST', '/observability/alerts/fire/acme', {
    alertname: 'HighErrorRate',
    severity: 'critical',
    labels: { env: 'prod', route: '/login' },
  })
  assert.equal(again.body.suppressed, true)
  assert.equal(again.body.fingerprint, fired.body.fingerprint)

  const resolved = await call('POST', '/observability/alerts/resolve/acme', {
    alertname: 'HighErrorRate',
    labels: { route: '/login', env: 'prod' },
  })
  assert.equal(resolved.status, 202)
  await receiver.waitFor((r) => r.accepted().length === 8)
  const pdResolve = receiver.accepted('pagerduty')[1]!.body as Record<string, unknown>
  assert.deepEqual(pdResolve, {
    routing_key: ROUTING_KEY,
    dedup_key: fired.body.dedupKey,
    event_action: 'resolve',
  })
  const close = receiver.accepted('opsgenie')[1]!
  assert.equal(close.path, `/v2/alerts/${encodeURIComponent(fired.body.dedupKey)}/close`)
  assert.equal(close.query.get('identifierType'), 'alias')
  assert.equal((receiver.accepted('webhook')[1]!.body as { action: string }).action, 'resolve')
  assert.match((receiver.accepted('slack')[1]!.body as { text: string }).text, /RESOLVED/)
  assert.deepEqual(
    receiver.requests.filter((r) => r.problems.length > 0).map((r) => r.problems),
    [],
  )

  // After a resolve the alert may fire again at once.
  const refire = await call('POST', '/observability/alerts/fire/acme', {
    alertname: 'HighErrorRate',
    severity: 'critical',
    labels: { route: '/login', env: 'prod' },
  })
  assert.equal(refire.body.suppressed, false)

  const history = await call('GET', '/observability/alerts/history/acme?limit=2')
  assert.equal(history.status, 200)
  assert.equal(history.body.events.length, 2)
  assert.equal(history.body.events[0].status, 'firing')
  assert.equal(history.body.events[1].status, 'resolved')
  assert.ok(history.body.nextCursor > 0)
  const page2 = await call(
    'GET',
    `/observability/alerts/history/acme?limit=10&before=${history.body.nextCursor}`,
  )
  assert.deepEqual(
    page2.body.events.map((e: { status: string; suppressed: boolean }) => [e.status, e.suppressed]),
    [
      ['firing', true],
      ['firing', false],
    ],
  )
  const first = page2.body.events[1]
  assert.equal(first.deliveries.length, 4)
  assert.ok(
    first.deliveries.every(
      (d: { state: string; attempts: number }) => d.state === 'delivered' && d.attempts === 1,
    ),
  )
  assert.equal(history.body.suppressedLast24h, 1)

  assert.equal(await instance.alerts.drain(10_000), true)
  const metrics = await instance.registry.expose()
  assert.match(metrics, /lookout_alerts_fired_total\{severity="critical"\} 2/)
  assert.match(metrics, /lookout_alerts_suppressed_total 1/)
  assert.match(metrics, /lookout_alert_deliveries_total\{channel="pagerduty",outcome="delivered"\} 3/)
  assert.match(metrics, /lookout_alert_delivery_duration_seconds_count\{channel="opsgenie"\} 3/)
  assert.match(metrics, /lookout_alert_outbox_pending 0/)
})

test('acknowledge goes to PagerDuty and Opsgenie by dedup key; acknowledging an alert that is not firing is 409', async (t) => {
  const { call, receiver } = await alertingHarness(t)
  const config = allChannels(receiver.url)
  await call('PUT', '/observability/alerts/config/acme', {
    channels: config.channels.slice(0, 2),
    routes: [{ channels: ['pd', 'og'] }],
  })
  assert.equal(
    (await call('POST', '/observability/alerts/acknowledge/acme', { alertname: 'Nope' })).status,
    409,
  )
  const fired = await call('POST', '/observability/alerts/fire/acme', {
    alertname: 'DiskFull',
    severity: 'warning',
  })
  const ack = await call('POST', '/observability/alerts/acknowledge/acme', {
    fingerprint: fired.body.fingerprint,
  })
  assert.equal(ack.status, 202)
  await receiver.waitFor((r) => r.accepted().length === 4)
  const actions = receiver.accepted('pagerduty').map((r) => (r.body as { event_action: string }).event_action)
  assert.deepEqual(actions, ['trigger', 'acknowledge'])
  assert.ok(receiver.accepted('opsgenie')[1]!.path.endsWith('/acknowledge'))
})
