import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildSloModel } from '../../../src/slo/buildSloModel.ts'
import { createBurnAlertEvaluator, type SloAlertSink } from '../../../src/slo/burnAlertEvaluator.ts'
import { createInProcessSloSource } from '../../../src/slo/inProcessSloSource.ts'
import { sloForTenant } from '../../../src/slo/sloModel.ts'
import { createMemorySloPersistence } from '../../../src/slo/sloPersistence.ts'
import { createSloService } from '../../../src/slo/sloService.ts'

const MINUTE = 60_000

function setup(leader = () => Promise.resolve(true)) {
  const model = buildSloModel({ slos: [{ name: 'availability', kind: 'availability', objective: 99.9 }] })
  let now = Date.UTC(2024, 4, 1)
  const persistence = createMemorySloPersistence({ now: () => now })
  const source = createInProcessSloSource({
    persistence,
    slosFor: (t) => sloForTenant(model, t),
    now: () => now,
  })
  const service = createSloService({ model, source, persistence, buckets: [], now: () => now })
  const sent: { action: 'fire' | 'resolve'; input: Record<string, unknown> }[] = []
  const sink: SloAlertSink = {
    async fire(input) {
      sent.push({ action: 'fire', input: { ...input } })
    },
    async resolve(input) {
      sent.push({ action: 'resolve', input: { ...input } })
    },
  }
  const evaluator = createBurnAlertEvaluator({
    service,
    sink: () => sink,
    isLeader: leader,
    serviceName: 'identity',
    runbookUrl: 'https://runbooks.example.com/{slo}?tenant={tenant}',
  })
  /** `n` requests a minute for `minutes`, `errors` of them failing. */
  const traffic = (minutes: number, n: number, errors: number) => {
    for (let m = 0; m < minutes; m++) {
      for (let i = 0; i < n; i++) source.record('acme', '/x', 'GET', i < errors ? 503 : 200, 0.01, now)
      now += MINUTE
    }
  }
  return { evaluator, sent, traffic, source, service, sink }
}

test('a fast burn fires one page with the burn figures and resolves it once the burn stops', async () => {
  const { evaluator, sent, traffic } = setup()
  traffic(120, 100, 0)
  await evaluator.evaluate()
  assert.equal(sent.length, 0)
  traffic(40, 100, 50) // 50 % errors: 500× burn
  await evaluator.evaluate()
  await evaluator.evaluate() // still burning: no repeat
  const fired = sent.filter((s) => s.action === 'fire')
  assert.deepEqual(
    fired.map((s) => (s.input.labels as Record<string, string>).severity),
    ['page', 'ticket'],
  )
  const page = fired[0]!.input
  assert.equal(page.tenant, 'acme')
  assert.equal(page.alertname, 'SloErrorBudgetBurn')
  assert.equal(page.severity, 'critical')
  assert.equal(page.source, 'slo')
  assert.deepEqual(page.labels, {
    slo: 'availability',
    service: 'identity',
    severity: 'page',
    slo_kind: 'availability',
  })
  const annotations = page.annotations as Record<string, string>
  assert.equal(annotations.burn_rate_5m, '500')
  assert.equal(annotations.runbook_url, 'https://runbooks.example.com/availability?tenant=acme')
  assert.match(annotations.burning_windows!, /1h&5m>14\.4x/)
  assert.ok(Number(annotations.budget_remaining) < 0)
  assert.equal(annotations.time_to_exhaustion_seconds, '0')
  assert.deepEqual([...evaluator.firing].sort(), ['acme|availability|page', 'acme|availability|ticket'])

  traffic(4 * 1440, 100, 0) // four clean days: every window recovers
  await evaluator.evaluate()
  assert.deepEqual(
    sent
      .filter((s) => s.action === 'resolve')
      .map((s) => (s.input.labels as Record<string, string>).severity),
    ['page', 'ticket'],
  )
  assert.equal(evaluator.firing.size, 0)
})

test('zero traffic fires nothing', async () => {
  const { evaluator, sent } = setup()
  await evaluator.evaluate()
  assert.equal(sent.length, 0)
})

test('a replica that is not the leader evaluates nothing', async () => {
  const { evaluator, sent, traffic } = setup(() => Promise.resolve(false))
  traffic(30, 10, 10)
  await evaluator.evaluate()
  assert.equal(sent.length, 0)
  assert.equal(evaluator.firing.size, 0)
})

test('a leader that loses its lease while measuring sends nothing', async () => {
  let asked = 0
  // Leader when the run starts; the lease is gone by the time the figures are in.
  const { evaluator, sent, traffic } = setup(() => Promise.resolve(++asked === 1))
  traffic(30, 10, 10)
  await evaluator.evaluate()
  assert.equal(sent.length, 0)
  assert.equal(evaluator.firing.size, 0)
})

test('a failing store is reported, not thrown, and the counts stay pending', async () => {
  const model = buildSloModel()
  const persistence = createMemorySloPersistence()
  const failing = {
    ...persistence,
    sloBuckets: { ...persistence.sloBuckets, add: () => Promise.reject(new Error('disk full')) },
  }
  const dropped: number[] = []
  const source = createInProcessSloSource({
    persistence: failing,
    slosFor: (t) => sloForTenant(model, t),
    maxPendingBuckets: 3,
    onDropped: (n) => dropped.push(n),
  })
  source.record('a', '/x', 'GET', 200, 0.1)
  await assert.rejects(source.flush(), /disk full/)
  assert.equal(source.pending, 3)
  source.record('b', '/x', 'GET', 200, 0.1)
  assert.deepEqual(dropped, [1, 1, 1])
})

test('a replica that takes over resolves the burn alerts the previous leader fired, read back from the store', async () => {
  const { evaluator: first, sent, traffic, service, sink } = setup()
  traffic(30, 10, 10)
  await first.evaluate()
  assert.deepEqual([...first.firing].sort(), ['acme|availability|page', 'acme|availability|ticket'])
  // The second replica measures the same counts; it was not leader until now and sent nothing.
  let leader = false
  let adopted = 0
  const second = createBurnAlertEvaluator({
    service,
    sink: () => sink,
    isLeader: async () => leader,
    adoptFiring: async () => {
      adopted++
      return [...first.firing]
    },
    serviceName: 'identity',
  })
  await second.evaluate()
  assert.equal(adopted, 0, 'a follower reads nothing')
  leader = true
  traffic(4 * 1440, 100, 0) // the first leader is gone and the burn stops
  const before = sent.length
  await second.evaluate()
  await second.evaluate()
  assert.equal(adopted, 1, 'read once, when the lease is taken')
  assert.deepEqual(actions(sent.slice(before)), BOTH_RESOLVED)
  assert.equal(second.firing.size, 0)
})

/** The alerts sent, as `[action, severity]`. */
function actions(sent: ReturnType<typeof setup>['sent']): string[][] {
  return sent.map((s) => [s.action, (s.input.labels as Record<string, string>).severity!])
}

const BOTH_RESOLVED = [
  ['resolve', 'page'],
  ['resolve', 'ticket'],
]

/** A leader over `setup()`'s service holding a 30 s lease, timed by `clock`, adopting `stored()`. */
function leaseHolder(at: ReturnType<typeof setup>, clock: () => number, stored: () => string[]) {
  let adopted = 0
  const evaluator = createBurnAlertEvaluator({
    service: at.service,
    sink: () => at.sink,
    isLeader: async () => true,
    adoptFiring: async () => {
      adopted++
      return stored()
    },
    leaseMs: 30_000,
    monotonicNow: clock,
    serviceName: 'identity',
  })
  return { evaluator, adopted: () => adopted }
}

test('a leader that renews its lease after more than half of it reads the firing alerts again, since another replica may have led meanwhile', async () => {
  const at = setup()
  let clock = 0
  let stored: string[] = []
  const { evaluator: leader, adopted } = leaseHolder(
    at,
    () => clock,
    () => stored,
  )
  at.traffic(120, 100, 0)
  await leader.evaluate()
  clock += 10_000
  await leader.evaluate()
  assert.equal(adopted(), 1, 'renewed within half a lease: its own set still holds')
  assert.equal(at.sent.length, 0)

  // Stopped for 40 s: its lease lapsed, another replica led, saw a burn and fired; then the burn stopped.
  clock += 40_000
  stored = ['acme|availability|page', 'acme|availability|ticket']
  at.traffic(4 * 1440, 100, 0)
  await leader.evaluate()
  assert.equal(adopted(), 2)
  assert.deepEqual(actions(at.sent), BOTH_RESOLVED)
  assert.equal(leader.firing.size, 0)
})

test('a leader that stalls between measuring and acting leaves the pass to the next one, which reads the firing alerts first', async () => {
  const at = setup()
  let clockReads = 0
  const { evaluator: leader, adopted } = leaseHolder(
    at,
    // The first pass's second renewal, after measuring, comes 20 s after its first (the process starved meanwhile).
    () => (clockReads++ >= 1 ? 20_000 : 0),
    () => ['acme|availability|page', 'acme|availability|ticket'],
  )
  at.traffic(4 * 1440, 100, 0)
  await leader.evaluate()
  assert.equal(at.sent.length, 0, 'nothing sent on a set that may be stale')
  assert.equal(adopted(), 1)
  await leader.evaluate()
  assert.equal(adopted(), 2)
  assert.deepEqual(actions(at.sent), BOTH_RESOLVED)
})
