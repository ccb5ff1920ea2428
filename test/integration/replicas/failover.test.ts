// Three replicas of a service (child processes) on one real PostgreSQL. Leader-only work (the status sampler) moves
// to another replica within a lease period when the leader is SIGKILLed or frozen (SIGSTOP), and a frozen leader
// that wakes up (SIGCONT) writes nothing on the lease it lost. An alert the real Alertmanager sends to all three
// replicas is delivered once per channel — through a worker SIGKILLed mid-send and one frozen mid-send — counted
// by idempotency key at strict loopback PagerDuty / Opsgenie / webhook receivers. A CPU hog competes for both cores.
// Waits are bounded only to catch a hang; the one time bound is the lease promise itself, taken from the store.
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type TestContext, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { STATUS_SAMPLER_LEASE } from '../../../src/status/conventions.ts'
import { createStore, type Store } from '../../../src/store/createStore.ts'
import { startAlertmanager } from '../../support/alertmanager.ts'
import { waitFor } from '../../support/binaries.ts'
import { startCpuHog } from '../../support/cpuHog.ts'
import { startPostgres } from '../../support/postgres.ts'
import { type AlertReceiver, startAlertReceiver } from '../../support/receivers/alertReceiver.ts'
import { startReplicaProcess } from '../../support/replicaProcess.ts'

const CHILD = fileURLToPath(new URL('./fixtures/replicaChild.ts', import.meta.url))
const KEY = 'operator-key-0123456789abcdef'
const SECRET = 'replica-secret-0123456789'
const HANG_MS = 120_000
const INTERVAL_MS = 1000
/** The sampler's lease: three intervals, at least 5 s (createStatusSampler). */
const SAMPLER_TTL_MS = Math.max(INTERVAL_MS * 3, 5000)
const DELIVERY_LEASE_MS = 2500

interface Replica {
  readonly name: string
  readonly proc: ChildProcess
  readonly port: number
  readonly owner: string
}

/** A component endpoint per replica; a replica's requests can be held and then failed (answered 500). */
async function startProbeTarget(t: TestContext) {
  const holding = new Set<string>()
  const held: { name: string; res: ServerResponse }[] = []
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1)
    if (holding.has(name)) held.push({ name, res })
    else res.end('ok')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => {
    server.closeAllConnections()
    server.close()
  })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold: (name: string) => holding.add(name),
    heldFor: (name: string) => held.filter((h) => h.name === name).length,
    failHeld(name: string) {
      holding.delete(name)
      for (const h of held.filter((x) => x.name === name)) {
        h.res.statusCode = 500
        h.res.end('down')
      }
    },
  }
}

async function startReplicas(
  t: TestContext,
  storeUrl: string,
  receiver: AlertReceiver,
  probeUrl: string,
): Promise<Replica[]> {
  const replicas: Replica[] = []
  for (const name of ['r1', 'r2', 'r3']) {
    const { proc, port, owner } = await startReplicaProcess(
      t,
      name,
      CHILD,
      {
        REPLICA_NAME: name,
        REPLICA_STORE_URL: storeUrl,
        REPLICA_RECEIVER_URL: receiver.url,
        REPLICA_PROBE_URL: probeUrl,
        REPLICA_OPERATOR_KEY: KEY,
        REPLICA_WEBHOOK_SECRET: SECRET,
        REPLICA_STATUS_INTERVAL_MS: String(INTERVAL_MS),
        REPLICA_DELIVERY_LEASE_MS: String(DELIVERY_LEASE_MS),
        REPLICA_CONFIGURE: name === 'r1' ? '1' : '0',
      },
      HANG_MS,
    )
    replicas.push({ name, proc, port, owner })
  }
  return replicas
}

async function kill(r: Replica, signal: NodeJS.Signals) {
  const exited = once(r.proc, 'exit')
  r.proc.kill(signal)
  await exited
}

async function setUp(t: TestContext) {
  const pg = await startPostgres(t)
  if (pg === undefined) return undefined
  t.after(() => pg.stop())
  // Both cores are contended throughout, as on a busy machine.
  const hog = await startCpuHog()
  t.after(() => hog.stop())
  const receiver = await startAlertReceiver({ webhookSecret: SECRET })
  t.after(() => receiver.close())
  const probe = await startProbeTarget(t)
  const replicas = await startReplicas(t, pg.url, receiver, probe.url)
  const store = createStore({ url: pg.url })
  t.after(() => store.close())
  return { pg, receiver, probe, replicas, store }
}

async function samplerHolder(store: Store, replicas: readonly Replica[]): Promise<Replica | undefined> {
  const holder = await store.leases.holder(STATUS_SAMPLER_LEASE)
  return replicas.find((r) => r.owner === holder?.owner)
}

/** Upstream samples taken after `at` (store time is this host's clock). */
async function samplesAfter(store: Store, at: number) {
  return (await store.healthSamples.latest('upstream', 500)).filter((s) => s.sampledAt > at)
}

test('the status sampler moves to another replica within a lease period when its leader is SIGKILLed or frozen, and a woken leader writes nothing', {
  timeout: 600_000,
}, async (t) => {
  const set = await setUp(t)
  if (set === undefined) return
  const { store, replicas, probe } = set

  await waitFor(
    'a sampler leader and its samples',
    async () => (await samplesAfter(store, 0)).length >= 2,
    HANG_MS,
  )
  const first = (await samplerHolder(store, replicas))!
  assert.ok(first, 'one replica holds the sampler lease')

  // SIGKILL: the lease runs out and another replica samples on its next tick.
  const killedAt = Date.now()
  await kill(first, 'SIGKILL')
  await waitFor(
    'a new leader to sample',
    async () => (await samplesAfter(store, killedAt)).length > 0,
    HANG_MS,
  )
  const second = (await samplerHolder(store, replicas))!
  assert.ok(second !== undefined && second !== first)
  const resumedAfterKill =
    Math.min(...(await samplesAfter(store, killedAt)).map((s) => s.sampledAt)) - killedAt
  // The lease ends at most one TTL after the kill; a survivor takes it on its next tick.
  assert.ok(
    resumedAfterKill <= SAMPLER_TTL_MS + 2 * INTERVAL_MS,
    `sampling resumed ${resumedAfterKill} ms after the kill (lease ${SAMPLER_TTL_MS} ms)`,
  )
  t.diagnostic(`sampling resumed ${resumedAfterKill} ms after SIGKILL (lease ${SAMPLER_TTL_MS} ms)`)

  // SIGSTOP mid-run: the leader is frozen while its probe hangs, i.e. after taking the lease and before writing.
  probe.hold(second.name)
  await waitFor('the leader to be mid-run', () => probe.heldFor(second.name) > 0, HANG_MS)
  const frozenAt = Date.now()
  second.proc.kill('SIGSTOP')
  await waitFor(
    'a third leader to sample',
    async () => (await samplesAfter(store, frozenAt)).length > 0,
    HANG_MS,
  )
  const third = (await samplerHolder(store, replicas))!
  assert.ok(third !== undefined && third !== second && third !== first)
  const resumedAfterFreeze =
    Math.min(...(await samplesAfter(store, frozenAt)).map((s) => s.sampledAt)) - frozenAt
  assert.ok(
    resumedAfterFreeze <= SAMPLER_TTL_MS + 2 * INTERVAL_MS,
    `sampling resumed ${resumedAfterFreeze} ms after the freeze (lease ${SAMPLER_TTL_MS} ms)`,
  )
  t.diagnostic(`sampling resumed ${resumedAfterFreeze} ms after SIGSTOP (lease ${SAMPLER_TTL_MS} ms)`)

  // Woken, the old leader finishes its run with an outage observation — which it must not write.
  probe.failHeld(second.name)
  const wokenAt = Date.now()
  second.proc.kill('SIGCONT')
  const live = await fetch(`http://127.0.0.1:${second.port}/health/live`)
  assert.equal(live.status, 200)
  await waitFor(
    'three more samples by the new leader',
    async () => (await samplesAfter(store, wokenAt)).length >= 3,
    HANG_MS,
  )
  const statuses = (await samplesAfter(store, 0)).map((s) => s.status)
  assert.deepEqual(
    statuses.filter((s) => s !== 'operational'),
    [],
    'the woken leader wrote what it observed on a lease it had lost',
  )
  assert.equal((await store.incidents.list({ open: true, limit: 10 })).length, 0)
  assert.equal((await samplerHolder(store, replicas))?.name, third.name)
})

test('an alert Alertmanager sends to three replicas is delivered once per channel through a worker SIGKILLed and one frozen mid-send', {
  timeout: 600_000,
}, async (t) => {
  const set = await setUp(t)
  if (set === undefined) return
  const { store, replicas, receiver } = set
  const hooks = replicas
    .map(
      (r) => `      - url: http://127.0.0.1:${r.port}/observability/alerts/alertmanager?tenant=acme
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${KEY}`,
    )
    .join('\n')
  const am = await startAlertmanager(
    t,
    `route:
  receiver: lookout
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: lookout
    webhook_configs:
${hooks}
`,
  )
  if (am === undefined) return
  t.after(() => am.stop())

  // The first PagerDuty and the first Opsgenie request are held: their senders are caught mid-send.
  const release: Record<string, () => void> = {}
  const seen = new Set<string>()
  receiver.hold(({ kind }) => {
    if ((kind !== 'pagerduty' && kind !== 'opsgenie') || seen.has(kind)) return undefined
    seen.add(kind)
    return new Promise<void>((r) => {
      release[kind] = r
    })
  })
  const posted = await fetch(`${am.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([
      {
        labels: { alertname: 'DiskFull', severity: 'critical', host: 'db-1' },
        annotations: { summary: 'disk full' },
      },
    ]),
  })
  assert.equal(posted.status, 200)
  await waitFor('both vendor sends to be in flight', () => receiver.held === 2, HANG_MS)

  const events = await store.alertEvents.list('acme', { limit: 10 })
  assert.equal(events.filter((e) => !e.suppressed).length, 1, 'one event from the three notifications')
  const deliveries = (await store.alertDeliveries.listForEvents([events[0]!.id])).get(events[0]!.id)!
  const ownerOf = (channel: string) => {
    const token = deliveries.find((d) => d.channelId === channel)!.leaseOwner!
    return replicas.find((r) => token.startsWith(`${r.owner}#`))!
  }
  const pdSender = ownerOf('pd')
  const ogSender = ownerOf('og')

  // PagerDuty: the sender dies mid-send; the receiver then accepts the request it had. Another replica retakes the
  // row when its lease ends and sends again, under the same idempotency key.
  await kill(pdSender, 'SIGKILL')
  release.pagerduty!()
  // Opsgenie: the sender is frozen mid-send; another replica retakes and delivers the row; then the held request
  // is accepted and the frozen sender woken — its late outcome must not apply.
  if (ogSender !== pdSender) ogSender.proc.kill('SIGSTOP')
  const og = deliveries.find((d) => d.channelId === 'og')!
  await waitFor(
    'the Opsgenie row to be delivered by another replica',
    async () => (await store.alertDeliveries.get(og.id))!.state === 'delivered',
    HANG_MS,
  )
  const delivered = (await store.alertDeliveries.get(og.id))!
  release.opsgenie!()
  if (ogSender !== pdSender) {
    ogSender.proc.kill('SIGCONT')
    // Its event loop has run again once it answers a request that reads the store.
    const history = await fetch(`http://127.0.0.1:${ogSender.port}/observability/alerts/history/acme`, {
      headers: { authorization: `Bearer ${KEY}` },
    })
    assert.equal(history.status, 200)
  }
  await waitFor(
    'the outbox to drain',
    async () => (await store.alertDeliveries.countPending()) === 0,
    HANG_MS,
  )
  assert.deepEqual(
    await store.alertDeliveries.get(og.id),
    delivered,
    'the woken sender recorded over the new holder',
  )

  for (const kind of ['pagerduty', 'opsgenie', 'webhook'] as const) {
    const accepted = receiver.accepted(kind)
    assert.equal(new Set(accepted.map((r) => r.idempotencyKey)).size, 1, `${kind}: one idempotency key`)
    assert.equal(receiver.delivered(kind).length, 1, `${kind}: paged once`)
  }
  assert.equal(
    receiver.accepted('pagerduty').length,
    2,
    'the killed sender had been accepted; the retry was a repeat',
  )
  assert.equal(receiver.requests.filter((r) => r.problems.length > 0).length, 0)
})
