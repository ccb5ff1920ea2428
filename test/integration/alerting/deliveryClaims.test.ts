// The outbox worker's claims under slowness, on a real SQLite store and a real loopback receiver: a send slower than
// the lease keeps its claim (renewed while in flight), and an attempt whose claim was taken over is cancelled and
// records nothing. The send is the real HTTP send, wrapped only to hold it open.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestContext, test } from 'node:test'
import { createDeliveryWorker } from '../../../src/alerting/createDeliveryWorker.ts'
import { routingConfigSchema } from '../../../src/alerting/routingConfig.ts'
import { sendChannelRequest } from '../../../src/alerting/sendChannelRequest.ts'
import { createOutboundGuard } from '../../../src/outbound/createOutboundGuard.ts'
import { createStore, type Store } from '../../../src/store/createStore.ts'
import { waitFor } from '../../support/binaries.ts'
import { startAlertReceiver } from '../../support/receivers/alertReceiver.ts'

const SECRET = 'claims-secret-0123456789'

async function setUp(t: TestContext, now: () => number) {
  const receiver = await startAlertReceiver({ webhookSecret: SECRET })
  t.after(() => receiver.close())
  const dir = mkdtempSync(join(tmpdir(), 'lookout-claims-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const store = createStore({ url: `sqlite:${join(dir, 'lookout.db')}`, now })
  await store.migrate()
  t.after(() => store.close())
  const eventId = await store.alertEvents.insert({
    tenant: 'acme',
    fingerprint: '0123456789abcdef0123456789abcdef',
    alertname: 'Slow',
    severity: 'critical',
    status: 'firing',
    summary: 'slow receiver',
    labels: {},
    annotations: {},
    source: 'code',
    suppressed: false,
  })
  const [id] = await store.alertDeliveries.insertMany([
    {
      eventId,
      tenant: 'acme',
      channelId: 'hook',
      channelType: 'webhook',
      action: 'trigger',
      dedupKey: 'acme/Slow/01',
    },
  ])
  const config = routingConfigSchema.parse({
    channels: [{ id: 'hook', type: 'webhook', url: `${receiver.url}/webhook`, secret: SECRET }],
    routes: [{ channels: ['hook'] }],
  })
  return { receiver, store, id: id!, config }
}

function worker(
  store: Store,
  config: unknown,
  owner: string,
  leaseMs: number,
  send: typeof sendChannelRequest,
  now: () => number,
) {
  // The receiver listens on loopback, which the outbound policy refuses unless allowed.
  const guard = createOutboundGuard({ allowPrivate: true })
  const w = createDeliveryWorker({
    store: () => store,
    loadConfig: async () => config as never,
    owner,
    pollIntervalMs: 20,
    batchSize: 4,
    maxAttempts: 5,
    backoffBaseMs: 50,
    backoffMaxMs: 100,
    timeoutMs: 60_000,
    leaseMs,
    context: {
      service: 'api',
      instance: 'api-1',
      endpoints: {
        pagerduty: 'http://127.0.0.1:9',
        opsgenie: 'http://127.0.0.1:9',
        opsgenieEu: 'http://127.0.0.1:9',
      },
    },
    guard,
    metrics: undefined,
    redactText: (s) => s,
    onError: () => {},
    now,
    send,
  })
  w.start()
  const stopWorker = w.stop
  return Object.assign(w, {
    stop: async () => {
      await stopWorker()
      await guard.close()
    },
  })
}

test('a send slower than the lease keeps its claim: the receiver gets it once and it is recorded delivered', async (t) => {
  const { receiver, store, id, config } = await setUp(t, Date.now)
  const leaseMs = 1500
  let sends = 0
  // Held open until the claim was renewed twice past its first expiry (no renewal: the loop reclaims it instead).
  const slowSend: typeof sendChannelRequest = async (req, options) => {
    sends++
    const firstUntil = (await store.alertDeliveries.get(id))!.leaseUntil!
    await waitFor(
      'the claim to be renewed or retaken',
      async () => sends > 1 || (await store.alertDeliveries.get(id))!.leaseUntil! > firstUntil + leaseMs,
      60_000,
    )
    return sendChannelRequest(req, options)
  }
  const w = worker(store, config, 'w1', leaseMs, slowSend, Date.now)
  t.after(() => w.stop())
  await waitFor(
    'the delivery to finish',
    async () => (await store.alertDeliveries.get(id))!.state === 'delivered',
    60_000,
  )
  assert.equal(sends, 1, 'the worker sent the delivery again while its first send was in flight')
  assert.equal(receiver.accepted('webhook').length, 1)
})

test('an attempt whose claim was taken over is cancelled and records nothing; the new holder delivers', async (t) => {
  let skew = 0
  const now = () => Date.now() + skew
  const { receiver, store, id, config } = await setUp(t, now)
  const leaseMs = 900
  let aborted: boolean | undefined
  let takeover: string | undefined
  const stalled: typeof sendChannelRequest = async (_req, options) => {
    // This process "stalls" past its lease: the store's clock jumps and another replica takes the row.
    skew += 60_000
    const [taken] = await store.alertDeliveries.claimDue('w2', 60_000, 1)
    takeover = taken?.leaseOwner ?? undefined
    const signal = options.signal
    await waitFor('the stalled attempt to notice', async () => signal?.aborted === true, 10_000).catch(
      () => {},
    )
    aborted = signal?.aborted === true
    return { status: 202, retryAfterMs: undefined, detail: 'HTTP 202' }
  }
  const w = worker(store, config, 'w1', leaseMs, stalled, now)
  await waitFor('the stalled attempt to return', async () => aborted !== undefined, 60_000)
  await w.stop()
  assert.equal(aborted, true, 'the send of a claim taken over was not cancelled')
  const row = (await store.alertDeliveries.get(id))!
  assert.equal(row.state, 'in_flight', 'the stalled attempt recorded an outcome on a row it no longer holds')
  assert.equal(row.leaseOwner, takeover)
  assert.equal(row.attempts, 0)
  assert.equal(receiver.requests.length, 0)
  // The new holder records its own outcome.
  assert.equal(await store.alertDeliveries.complete(id, takeover!, { state: 'delivered', status: 202 }), true)
})
