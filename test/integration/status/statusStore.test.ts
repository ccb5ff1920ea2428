// The status area's store use on both engines (SQLite file and a real PostgreSQL): the aggregate behind the
// bars and uptime, maintenance window edits, the leader-only sampler and the incident flow.
import assert from 'node:assert/strict'
import type { ComponentStatus } from '../../../src/status/conventions.ts'
import { createStatusReader } from '../../../src/status/createStatusReader.ts'
import { createStatusSampler, type Observation } from '../../../src/status/createStatusSampler.ts'
import type { StatusComponent } from '../../../src/status/resolveComponents.ts'
import type { Store } from '../../../src/store/createStore.ts'
import { storeEngineTests, type TestClock } from '../store/storeEngines.ts'

const DAY = 86_400_000
const components: StatusComponent[] = [
  { id: 'db', name: 'Database', description: undefined, degradedLatencyMs: undefined, source: 'check' },
]

function sampler(store: Store, clock: TestClock, owner: string, state: { db: ComponentStatus }) {
  return createStatusSampler({
    store: () => store,
    owner,
    intervalMs: 60_000,
    openAfter: 2,
    resolveAfter: 3,
    reopenWithinMs: 0,
    now: () => clock.now,
    components: () => components,
    observe: async () => new Map<string, Observation>([['db', { status: state.db, latencyMs: 2 }]]),
  })
}

storeEngineTests('status store use', {
  'an automatic incident starts at the first bad sample of the streak that opened it': async (
    store,
    clock,
  ) => {
    const state: { db: ComponentStatus } = { db: 'operational' }
    const s = sampler(store, clock, 'a', state)
    await s.sampleOnce()
    clock.now += 60_000
    state.db = 'outage'
    const firstBad = clock.now
    assert.deepEqual((await s.sampleOnce()).actions, [])
    clock.now += 60_000
    const run = await s.sampleOnce()
    assert.equal(run.actions[0]?.action.kind, 'open')
    const incident = await store.incidents.get(run.actions[0]!.incidentId)
    assert.equal(incident?.startedAt, firstBad)
  },

  'countByStatus groups samples per component, status and day bucket inside the range': async (store) => {
    const start = Date.UTC(2024, 0, 1)
    await store.healthSamples.insertMany([
      { component: 'db', status: 'operational', sampledAt: start },
      { component: 'db', status: 'operational', sampledAt: start + DAY - 1 },
      { component: 'db', status: 'outage', sampledAt: start + 5 },
      { component: 'db', status: 'operational', sampledAt: start + DAY },
      { component: 'api', status: 'degraded', sampledAt: start + 2 * DAY + 7 },
      { component: 'db', status: 'operational', sampledAt: start - 1 },
      { component: 'db', status: 'operational', sampledAt: start + 3 * DAY },
    ])
    const rows = await store.healthSamples.countByStatus(start, start + 3 * DAY, DAY)
    const key = (r: { component: string; status: string; bucket: number; count: number }) =>
      `${r.component}/${r.status}/${r.bucket}=${r.count}`
    assert.deepEqual(rows.map(key).sort(), [
      'api/degraded/2=1',
      'db/operational/0=2',
      'db/operational/1=1',
      'db/outage/0=1',
    ])
    const whole = await store.healthSamples.countByStatus(start, start + 3 * DAY)
    assert.deepEqual(whole.map(key).sort(), ['api/degraded/0=1', 'db/operational/0=3', 'db/outage/0=1'])
  },

  'maintenance windows can be read and changed field by field': async (store) => {
    const id = await store.maintenanceWindows.create({
      title: 'a',
      components: ['db'],
      startsAt: 10,
      endsAt: 20,
    })
    assert.equal(await store.maintenanceWindows.update(id, { title: 'b', endsAt: 30 }), true)
    const w = await store.maintenanceWindows.get(id)
    assert.deepEqual([w?.title, w?.startsAt, w?.endsAt, w?.components], ['b', 10, 30, ['db']])
    assert.equal(await store.maintenanceWindows.update(id, { components: [] }), true)
    assert.deepEqual((await store.maintenanceWindows.get(id))?.components, [])
    assert.equal(await store.maintenanceWindows.update(999, { title: 'x' }), false)
    assert.equal(await store.maintenanceWindows.get(999), undefined)
  },

  'a leader that loses the lease while observing (stopped past it) writes nothing': async (store, clock) => {
    let stalled: (() => Promise<void>) | undefined
    const stalling = createStatusSampler({
      store: () => store,
      owner: 'replica-a',
      intervalMs: 60_000,
      openAfter: 1,
      resolveAfter: 3,
      reopenWithinMs: 0,
      now: () => clock.now,
      components: () => components,
      observe: async () => {
        await stalled?.()
        return new Map<string, Observation>([['db', { status: 'outage', latencyMs: 2 }]])
      },
    })
    const b = sampler(store, clock, 'replica-b', { db: 'operational' })
    stalled = async () => {
      // Frozen past its lease: the other replica takes over and samples meanwhile.
      clock.now += stalling.leaseTtlMs + 1
      assert.equal((await b.sampleOnce()).leader, true)
    }
    const late = await stalling.sampleOnce()
    assert.equal(late.leader, false)
    assert.deepEqual(late.samples, [])
    const written = await store.healthSamples.latest('db', 10)
    assert.deepEqual(
      written.map((r) => r.status),
      ['operational'],
    )
    assert.equal((await store.incidents.list({ open: true, limit: 10 })).length, 0)
  },

  'only the replica holding the sampler lease samples; the other takes over when it is released': async (
    store,
    clock,
  ) => {
    const state = { db: 'operational' as ComponentStatus }
    const a = sampler(store, clock, 'replica-a', state)
    const b = sampler(store, clock, 'replica-b', state)
    assert.equal((await a.sampleOnce()).leader, true)
    const skipped = await b.sampleOnce()
    assert.equal(skipped.leader, false)
    assert.equal(skipped.samples.length, 0)
    clock.now += 60_000
    assert.equal((await a.sampleOnce()).leader, true)
    assert.equal((await store.healthSamples.latest('db', 10)).length, 2)
    await a.release()
    clock.now += 60_000
    assert.equal((await b.sampleOnce()).leader, true)
    assert.equal((await a.sampleOnce()).leader, false)
    // A crashed leader's lease expires after three intervals.
    clock.now += a.leaseTtlMs + 1
    assert.equal((await a.sampleOnce()).leader, true)
  },

  'the sampler opens and resolves an incident from the stored history, and a new leader continues it': async (
    store,
    clock,
  ) => {
    const state = { db: 'outage' as ComponentStatus }
    const a = sampler(store, clock, 'replica-a', state)
    await a.sampleOnce()
    clock.now += 60_000
    const opened = await a.sampleOnce()
    assert.deepEqual(
      opened.actions.map((x) => x.action.kind),
      ['open'],
    )
    await a.release()
    // Replica b takes over and sees the open incident in the store: recovery resolves it, nothing new opens.
    const b = sampler(store, clock, 'replica-b', state)
    state.db = 'operational'
    const kinds: string[] = []
    for (let i = 0; i < 3; i++) {
      clock.now += 60_000
      kinds.push(...(await b.sampleOnce()).actions.map((x) => x.action.kind))
    }
    assert.deepEqual(kinds, ['resolve'])
    const all = await store.incidents.list()
    assert.equal(all.length, 1)
    assert.equal(all[0]!.status, 'resolved')
  },

  'the reader builds the public documents from the engine': async (store, clock) => {
    const state = { db: 'operational' as ComponentStatus }
    const s = sampler(store, clock, 'replica-a', state)
    await store.healthSamples.insertMany([
      { component: 'db', status: 'outage', sampledAt: clock.now - 3 * DAY },
      { component: 'db', status: 'operational', sampledAt: clock.now - 3 * DAY + 1 },
    ])
    await s.sampleOnce()
    const reader = createStatusReader({
      store: () => store,
      components: () => components,
      title: 'Status',
      description: undefined,
      staleAfterMs: 200_000,
      recentIncidentDays: 14,
      now: () => clock.now,
    })
    const body = await reader.status()
    const db = body.components[0]!
    assert.equal(db.status, 'operational')
    assert.equal(db.days[89]!.status, 'operational')
    assert.equal(db.days[86]!.status, 'outage')
    assert.equal(db.uptime30d, 66.667)
    const incidents = await reader.incidents()
    assert.deepEqual(incidents, { open: [], recent: [] })
  },
})
