// Two replicas of a service (child processes) on one real PostgreSQL, counting an availability SLO in process, with
// a CPU hog competing for the cores. The evaluator leader fires the burn alerts, is SIGKILLed, and the burn stops:
// the replica that takes the lease resolves the alerts the dead leader fired, under the same PagerDuty dedup keys.
// Waits are bounded only to catch a hang.
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { type TestContext, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { SLO_EVALUATOR_LEASE } from '../../../src/slo/installSlo.ts'
import { createStore } from '../../../src/store/createStore.ts'
import { waitFor } from '../../support/binaries.ts'
import { startCpuHog } from '../../support/cpuHog.ts'
import { startPostgres } from '../../support/postgres.ts'
import { type AlertReceiver, startAlertReceiver } from '../../support/receivers/alertReceiver.ts'
import { startReplicaProcess } from '../../support/replicaProcess.ts'

const CHILD = fileURLToPath(new URL('./fixtures/sloReplicaChild.ts', import.meta.url))
const KEY = 'operator-key-0123456789abcdef'
const HANG_MS = 180_000

interface Replica {
  readonly proc: ChildProcess
  readonly base: string
  readonly owner: string
}

async function startReplica(
  t: TestContext,
  name: string,
  storeUrl: string,
  receiver: AlertReceiver,
): Promise<Replica> {
  const { proc, port, owner } = await startReplicaProcess(
    t,
    name,
    CHILD,
    {
      REPLICA_NAME: name,
      REPLICA_STORE_URL: storeUrl,
      REPLICA_RECEIVER_URL: receiver.url,
      REPLICA_OPERATOR_KEY: KEY,
      REPLICA_CONFIGURE: name === 'r1' ? '1' : '0',
    },
    HANG_MS,
  )
  return { proc, base: `http://127.0.0.1:${port}`, owner }
}

async function drive(r: Replica, good: number, bad: number): Promise<void> {
  for (let i = 0; i < good + bad; i++) {
    const res = await fetch(`${r.base}/work`, {
      headers: { 'x-tenant-id': 'acme', ...(i < bad ? { 'x-fail': '1' } : {}) },
    })
    await res.arrayBuffer()
  }
}

/** PagerDuty events accepted once per idempotency key, as `action dedup_key`. */
function pagerDuty(receiver: AlertReceiver, action: 'trigger' | 'resolve'): string[] {
  return receiver
    .delivered('pagerduty')
    .map((r) => r.body as { event_action: string; dedup_key: string })
    .filter((b) => b.event_action === action)
    .map((b) => b.dedup_key)
    .sort()
}

test('a replica that takes over the SLO evaluator resolves the burn alerts the SIGKILLed leader fired', {
  timeout: 600_000,
}, async (t) => {
  const pg = await startPostgres(t)
  if (pg === undefined) return
  t.after(() => pg.stop())
  const receiver = await startAlertReceiver()
  t.after(() => receiver.close())
  const store = createStore({ url: pg.url })
  t.after(() => store.close())
  const hog = await startCpuHog()
  t.after(() => hog.stop())

  const first = await startReplica(t, 'r1', pg.url, receiver)
  await waitFor(
    'the first replica to lead the evaluator',
    async () => (await store.leases.holder(SLO_EVALUATOR_LEASE))?.owner === first.owner,
    HANG_MS,
  )
  const second = await startReplica(t, 'r2', pg.url, receiver)

  // 9 of 10 requests fail against a 95 % objective: every page and ticket row burns.
  await drive(first, 1, 9)
  await waitFor('the page and the ticket to fire', () => pagerDuty(receiver, 'trigger').length === 2, HANG_MS)
  const fired = pagerDuty(receiver, 'trigger')

  const exited = once(first.proc, 'exit')
  first.proc.kill('SIGKILL')
  await exited
  // 9 failures in 210 requests: 4.3 %, under the 5 % budget in every window.
  await drive(second, 200, 0)
  await waitFor(
    'the second replica to take the evaluator lease',
    async () => (await store.leases.holder(SLO_EVALUATOR_LEASE))?.owner === second.owner,
    HANG_MS,
  )
  await waitFor('both alerts to resolve', () => pagerDuty(receiver, 'resolve').length === 2, HANG_MS)

  assert.deepEqual(pagerDuty(receiver, 'resolve'), fired, 'resolved under the keys the dead leader fired')
  assert.deepEqual(pagerDuty(receiver, 'trigger'), fired, 'the new leader fired nothing again')
  assert.equal(receiver.requests.filter((r) => r.problems.length > 0).length, 0)
})
