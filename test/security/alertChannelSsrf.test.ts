import assert from 'node:assert/strict'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { resolveConfig } from '../../src/config/resolveConfig.ts'
import {
  ACME_KEY,
  alertingHarness,
  OPERATOR_KEY,
  WEBHOOK_SECRET,
} from '../integration/alerting/alertingHarness.ts'
import { loopbackForms, PRIVATE_TARGETS, startDecoyListener } from './decoyListener.ts'

interface HistoryDelivery {
  channelId: string
  state: string
  attempts: number
  lastStatus: number | null
  lastReason: string | null
  lastError: string | null
}

const deliveriesOf = (history: { body: { events: { deliveries: HistoryDelivery[] }[] } }) =>
  history.body.events.flatMap((e) => e.deliveries)

test('saving a webhook or Slack URL aimed at loopback or an internal address is a 422 naming the problem', async (t) => {
  const decoy = await startDecoyListener()
  t.after(() => decoy.close())
  const { call } = await alertingHarness(t, { allowPrivateTargets: false })
  for (const url of [...loopbackForms(decoy.port), ...PRIVATE_TARGETS]) {
    for (const channel of [
      { id: 'hook', type: 'webhook', url, secret: WEBHOOK_SECRET },
      { id: 'slack', type: 'slack', url },
    ]) {
      const r = await call(
        'PUT',
        '/observability/alerts/config/acme',
        { channels: [channel], routes: [{ channels: [channel.id] }] },
        ACME_KEY,
      )
      assert.equal(r.status, 422, `${channel.type} ${url}`)
      assert.equal(r.body.error.details[0].path, 'channels.0.url', url)
      assert.match(r.body.error.details[0].message, /^refused: (host "[^"]+" is|credentials in the URL)/, url)
      assert.doesNotMatch(JSON.stringify(r.body), /pass@127/, 'the refusal does not echo credentials')
    }
  }
  assert.equal(decoy.connections, 0)
})

test('channels stored before the policy are refused at delivery, recorded as refused_by_policy, with no traffic', async (t) => {
  const decoy = await startDecoyListener()
  t.after(() => decoy.close())
  const { call, instance } = await alertingHarness(t, { allowPrivateTargets: false, maxAttempts: 3 })
  const urls = [...loopbackForms(decoy.port), ...PRIVATE_TARGETS]
  const channels = urls.map((url, i) =>
    i % 2 === 0
      ? { id: `c${i}`, type: 'webhook', url, secret: WEBHOOK_SECRET }
      : { id: `c${i}`, type: 'slack', url },
  )
  // Written straight to the store, as a config saved by an earlier version (or another replica) would be.
  const ids = channels.map((c) => c.id)
  await instance.store.alertRoutes.put('acme', {
    channels,
    routes: [
      { channels: ids.slice(0, 20), continue: true },
      { channels: ids.slice(20), continue: true },
    ],
  })
  const fired = await call('POST', '/observability/alerts/fire/acme', {
    alertname: 'Probe',
    severity: 'critical',
  })
  assert.equal(fired.status, 202)
  assert.equal(fired.body.channels.length, urls.length)
  assert.equal(await instance.alerts.drain(20_000), true)
  const deliveries = deliveriesOf(await call('GET', '/observability/alerts/history/acme'))
  assert.equal(deliveries.length, urls.length)
  for (const d of deliveries) {
    const url = urls[Number(d.channelId.slice(1))]
    assert.deepEqual([d.state, d.attempts, d.lastReason], ['dead', 1, 'refused_by_policy'], url)
    assert.match(d.lastError ?? '', /^refused_by_policy: refused by the outbound policy: /, url)
  }
  assert.equal(decoy.connections, 0)
})

test('tightening alerting.webhookHosts stops channels saved before it, and the refusal is recorded', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-ssrf-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const storeUrl = `sqlite:${join(dir, 'lookout.db')}`
  const before = await alertingHarness(t, { storeUrl })
  const hook = { id: 'hook', type: 'webhook', url: `${before.receiver.url}/webhook`, secret: WEBHOOK_SECRET }
  const put = await before.call('PUT', '/observability/alerts/config/acme', {
    channels: [hook],
    routes: [{ channels: ['hook'] }],
  })
  assert.equal(put.status, 200)
  await before.call('POST', '/observability/alerts/fire/acme', { alertname: 'First', severity: 'warning' })
  await before.receiver.waitFor((r) => r.accepted('webhook').length === 1)
  assert.equal(await before.instance.alerts.drain(10_000), true)
  await before.app.close()
  await before.instance.shutdown()

  // The same store, restarted with an allow-list that no longer names the receiver's host.
  const after = await alertingHarness(t, { storeUrl, webhookHosts: ['hooks.example.com'] })
  await after.call('POST', '/observability/alerts/fire/acme', { alertname: 'Second', severity: 'warning' })
  assert.equal(await after.instance.alerts.drain(10_000), true)
  const history = await after.call('GET', '/observability/alerts/history/acme?alertname=Second')
  const [d] = deliveriesOf(history)
  assert.deepEqual([d!.state, d!.attempts, d!.lastReason], ['dead', 1, 'refused_by_policy'])
  assert.match(d!.lastError ?? '', /host "127\.0\.0\.1" is not in alerting\.webhookHosts/)
  assert.equal(before.receiver.requests.filter((r) => r.kind === 'webhook').length, 1)
  assert.equal(after.receiver.requests.length, 0)
})

test("a tenant key sees a failed delivery's status and class, never the receiver's response body", async (t) => {
  const body = `upstream exploded: stack trace at /srv/internal/db.js:42 ${'x'.repeat(3000)}`
  const failing = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(500, { 'content-type': 'text/plain' }).end(body))
  })
  failing.listen(0, '127.0.0.1')
  await once(failing, 'listening')
  t.after(() => failing.close())
  const { call, instance } = await alertingHarness(t, { maxAttempts: 1 })
  const url = `http://127.0.0.1:${(failing.address() as { port: number }).port}/webhook`
  await call('PUT', '/observability/alerts/config/acme', {
    channels: [{ id: 'hook', type: 'webhook', url, secret: WEBHOOK_SECRET }],
    routes: [{ channels: ['hook'] }],
  })
  await call('POST', '/observability/alerts/fire/acme', { alertname: 'Boom', severity: 'error' })
  assert.equal(await instance.alerts.drain(10_000), true)

  const tenantView = await call('GET', '/observability/alerts/history/acme', undefined, ACME_KEY)
  assert.equal(tenantView.status, 200)
  const [seen] = deliveriesOf(tenantView)
  assert.deepEqual(
    [seen!.state, seen!.lastStatus, seen!.lastReason, seen!.lastError],
    ['dead', 500, 'http_5xx', null],
  )
  assert.doesNotMatch(JSON.stringify(tenantView.body), /stack trace|internal\/db/)

  const globalView = await call('GET', '/observability/alerts/history/acme', undefined, OPERATOR_KEY)
  const [full] = deliveriesOf(globalView)
  assert.equal(full!.lastReason, 'http_5xx')
  assert.match(full!.lastError ?? '', /^http_5xx: HTTP 500: upstream exploded: stack trace/)
  assert.ok((full!.lastError ?? '').length <= 500, 'the detail is cut short')
})

test('vendor endpoint overrides aimed at internal addresses stop start-up, naming the option, unless opted in', () => {
  const attempt = (options: Record<string, unknown>, env: Record<string, string> = {}) => {
    try {
      resolveConfig({ alerting: options } as never, env)
      return undefined
    } catch (err) {
      return err as { code: string; message: string }
    }
  }
  const loopback = attempt({ endpoints: { pagerduty: 'http://127.0.0.1:9999' } })
  assert.equal(loopback?.code, 'LOOKOUT_ERR_CONFIG_INVALID')
  assert.match(
    loopback!.message,
    /alerting\.endpoints\.pagerduty: refused: host "127\.0\.0\.1" is a loopback address/,
  )
  assert.match(loopback!.message, /alerting\.allowPrivateTargets/)
  const fromEnv = attempt({}, { LOOKOUT_OPSGENIE_URL: 'http://0x7f000001:9999' })
  assert.match(fromEnv!.message, /alerting\.endpoints\.opsgenie \(LOOKOUT_OPSGENIE_URL\): refused/)
  const creds = attempt({ endpoints: { opsgenieEu: 'https://user:pw@api.eu.opsgenie.com' } })
  assert.match(creds!.message, /alerting\.endpoints\.opsgenieEu: refused: credentials/)
  assert.equal(
    attempt({ allowPrivateTargets: true, endpoints: { pagerduty: 'http://127.0.0.1:9999' } }),
    undefined,
  )
  assert.equal(
    attempt(
      {},
      { LOOKOUT_ALERT_ALLOW_PRIVATE_TARGETS: 'true', LOOKOUT_PAGERDUTY_URL: 'http://10.0.0.7:8080' },
    ),
    undefined,
  )
  const metadata = attempt({ allowPrivateTargets: true, endpoints: { pagerduty: 'http://169.254.169.254' } })
  assert.match(metadata!.message, /a cloud metadata endpoint/)
})
