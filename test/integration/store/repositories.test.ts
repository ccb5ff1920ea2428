import assert from 'node:assert/strict'
import { storeEngineTests } from './storeEngines.ts'

const DAY = 86_400_000

storeEngineTests('store repositories', {
  'migrations are idempotent and every table is usable afterwards': async (store) => {
    await store.migrate()
    await store.migrate()
    await store.ping()
  },

  'alert routes round-trip their JSON and bump the version on each write': async (store) => {
    assert.equal(await store.alertRoutes.get('acme'), undefined)
    assert.equal(await store.alertRoutes.put('acme', { channels: [{ id: 'a' }], routes: [] }), 1)
    assert.equal(await store.alertRoutes.put('acme', { channels: [], routes: [{ channels: [] }] }), 2)
    const got = await store.alertRoutes.get('acme')
    assert.deepEqual(got?.config, { channels: [], routes: [{ channels: [] }] })
    assert.equal(got?.version, 2)
    assert.deepEqual(await store.alertRoutes.tenants(), ['acme'])
  },

  'alert events page newest first and find the latest unsuppressed one per fingerprint': async (
    store,
    clock,
  ) => {
    const base = {
      tenant: 'acme',
      alertname: 'HighErrors',
      severity: 'critical',
      summary: 's',
      labels: { team: 'api' },
      annotations: {},
      source: 'api',
    }
    const ids: number[] = []
    for (let i = 0; i < 5; i++) {
      clock.now += 1000
      ids.push(
        await store.alertEvents.insert({
          ...base,
          fingerprint: 'fp1',
          status: 'firing',
          suppressed: i > 0,
        }),
      )
    }
    await store.alertEvents.insert({
      ...base,
      tenant: 'other',
      fingerprint: 'fp1',
      status: 'firing',
      suppressed: false,
    })
    const page1 = await store.alertEvents.list('acme', { limit: 2 })
    assert.deepEqual(
      page1.map((e) => e.id),
      [ids[4], ids[3]],
    )
    const page2 = await store.alertEvents.list('acme', { limit: 10, before: page1[1]!.id })
    assert.deepEqual(
      page2.map((e) => e.id),
      [ids[2], ids[1], ids[0]],
    )
    const latest = await store.alertEvents.latestPassed('acme', 'fp1')
    assert.equal(latest?.id, ids[0])
    assert.deepEqual(latest?.labels, { team: 'api' })
    assert.equal(latest?.suppressed, false)
    assert.equal(typeof latest?.createdAt, 'number')
    assert.equal(await store.alertEvents.countSuppressed('acme'), 4)
  },

  'an event and its deliveries written in one transaction roll back together': async (store) => {
    await assert.rejects(
      store.transaction(async (tx) => {
        const id = await tx.alertEvents.insert({
          tenant: 'acme',
          fingerprint: 'fp',
          alertname: 'A',
          severity: 'info',
          status: 'firing',
          summary: '',
          labels: {},
          annotations: {},
          source: 'code',
          suppressed: false,
        })
        await tx.alertDeliveries.insertMany([
          {
            eventId: id,
            tenant: 'acme',
            channelId: 'c',
            channelType: 'webhook',
            action: 'trigger',
            dedupKey: 'k',
          },
        ])
        throw new Error('boom')
      }),
      /boom/,
    )
    assert.equal((await store.alertEvents.list('acme')).length, 0)
    assert.equal(await store.alertDeliveries.countPending(), 0)
  },

  'due deliveries are claimed once, expired leases are reclaimed, and outcomes need the lease': async (
    store,
    clock,
  ) => {
    const ids = await store.alertDeliveries.insertMany(
      [1, 2, 3].map((i) => ({
        eventId: i,
        tenant: 'acme',
        channelId: 'c',
        channelType: 'webhook',
        action: 'trigger' as const,
        dedupKey: `k${i}`,
      })),
    )
    const a = await store.alertDeliveries.claimDue('w1', 10_000, 2)
    assert.deepEqual(
      a.map((d) => d.id),
      ids.slice(0, 2),
    )
    assert.ok(a.every((d) => d.state === 'in_flight' && d.leaseOwner?.startsWith('w1#')))
    const b = await store.alertDeliveries.claimDue('w2', 10_000, 10)
    assert.deepEqual(
      b.map((d) => d.id),
      [ids[2]],
    )
    assert.equal((await store.alertDeliveries.claimDue('w2', 10_000, 10)).length, 0)
    // w1 crashes; after its lease expires w3 takes its rows, and w1's late outcome no longer applies.
    clock.now += 10_001
    const c = await store.alertDeliveries.claimDue('w3', 10_000, 10)
    assert.deepEqual(c.map((d) => d.id).sort(), [...ids].sort())
    const w3 = new Map(c.map((d) => [d.id, d.leaseOwner!]))
    assert.equal(
      await store.alertDeliveries.complete(ids[0]!, a[0]!.leaseOwner!, { state: 'delivered', status: 202 }),
      false,
    )
    assert.equal(
      await store.alertDeliveries.complete(ids[0]!, w3.get(ids[0]!)!, { state: 'delivered', status: 202 }),
      true,
    )
    assert.equal(
      await store.alertDeliveries.complete(ids[1]!, w3.get(ids[1]!)!, {
        state: 'pending',
        status: 503,
        error: 'x'.repeat(2000),
        nextAttemptAt: clock.now + 5000,
      }),
      true,
    )
    assert.equal(
      await store.alertDeliveries.complete(ids[2]!, w3.get(ids[2]!)!, { state: 'dead', status: 400 }),
      true,
    )
    const byEvent = await store.alertDeliveries.listForEvents([1, 2, 3])
    const d1 = byEvent.get(1)![0]!
    assert.equal(d1.state, 'delivered')
    assert.equal(d1.attempts, 1)
    assert.equal(d1.deliveredAt, clock.now)
    const d2 = byEvent.get(2)![0]!
    assert.equal(d2.state, 'pending')
    assert.equal(d2.lastStatus, 503)
    assert.equal(d2.lastError?.length, 500)
    assert.equal(d2.nextAttemptAt, clock.now + 5000)
    assert.equal(await store.alertDeliveries.countPending(), 1)
    assert.equal(await store.alertDeliveries.nextDueAt(), clock.now + 5000)
    assert.equal((await store.alertDeliveries.claimDue('w3', 10_000, 10)).length, 0)
    assert.equal(await store.alertDeliveries.requeue(ids[2]!), true)
    assert.equal((await store.alertDeliveries.claimDue('w3', 10_000, 10)).length, 1)
  },

  'a claim taken over, even by the same owner after its lease lapsed, can neither renew nor record': async (
    store,
    clock,
  ) => {
    const [id] = await store.alertDeliveries.insertMany([
      {
        eventId: 1,
        tenant: 'acme',
        channelId: 'c',
        channelType: 'webhook',
        action: 'trigger',
        dedupKey: 'k',
      },
    ])
    const [first] = await store.alertDeliveries.claimDue('w1', 10_000, 1)
    // Renewed while in flight, the claim outlives its first lease.
    clock.now += 8_000
    assert.equal(await store.alertDeliveries.renew(id!, first!.leaseOwner!, 10_000), true)
    clock.now += 8_000
    assert.equal((await store.alertDeliveries.claimDue('w1', 10_000, 1)).length, 0)
    // Not renewed (the process stalled), it lapses and the same owner's next round takes it again.
    clock.now += 10_001
    const [second] = await store.alertDeliveries.claimDue('w1', 10_000, 1)
    assert.equal(second?.id, id)
    assert.notEqual(second!.leaseOwner, first!.leaseOwner)
    assert.equal(await store.alertDeliveries.renew(id!, first!.leaseOwner!, 10_000), false)
    assert.equal(
      await store.alertDeliveries.complete(id!, first!.leaseOwner!, { state: 'delivered', status: 202 }),
      false,
    )
    assert.equal(
      await store.alertDeliveries.complete(id!, second!.leaseOwner!, { state: 'delivered', status: 202 }),
      true,
    )
    assert.equal((await store.alertDeliveries.get(id!))!.attempts, 1)
  },

  'a resolve waits until its trigger for the same channel and dedup key is finished, even while it is retried':
    async (store, clock) => {
      const row = (eventId: number, channelId: string, action: 'trigger' | 'resolve', dedupKey: string) => ({
        eventId,
        tenant: 'acme',
        channelId,
        channelType: 'pagerduty',
        action,
        dedupKey,
      })
      const [trigger, resolve, otherChannel, otherKey] = await store.alertDeliveries.insertMany([
        row(1, 'pd', 'trigger', 'k'),
        row(2, 'pd', 'resolve', 'k'),
        row(2, 'pd2', 'resolve', 'k'),
        row(3, 'pd', 'trigger', 'other'),
      ])
      const first = await store.alertDeliveries.claimDue('w1', 10_000, 10)
      assert.deepEqual(
        first.map((d) => d.id),
        [trigger, otherChannel, otherKey],
      )
      // The trigger is retried later: the resolve stays queued behind it.
      const t = first.find((d) => d.id === trigger)!
      await store.alertDeliveries.complete(trigger!, t.leaseOwner!, {
        state: 'pending',
        status: 503,
        nextAttemptAt: clock.now + 5000,
      })
      assert.equal((await store.alertDeliveries.claimDue('w2', 10_000, 10)).length, 0)
      clock.now += 5000
      const [retried] = await store.alertDeliveries.claimDue('w2', 10_000, 10)
      assert.equal(retried?.id, trigger)
      assert.equal((await store.alertDeliveries.claimDue('w3', 10_000, 10)).length, 0)
      await store.alertDeliveries.complete(trigger!, retried!.leaseOwner!, {
        state: 'delivered',
        status: 202,
      })
      assert.deepEqual(
        (await store.alertDeliveries.claimDue('w3', 10_000, 10)).map((d) => d.id),
        [resolve],
      )
    },

  'a delivery for the same event, channel and action cannot be enqueued twice': async (store) => {
    const row = {
      eventId: 9,
      tenant: 'acme',
      channelId: 'c',
      channelType: 'pagerduty',
      action: 'trigger' as const,
      dedupKey: 'k',
    }
    await store.alertDeliveries.insertMany([row])
    await assert.rejects(store.alertDeliveries.insertMany([row]))
  },

  'alertmanager idempotency keys are claimed once': async (store) => {
    assert.equal(await store.alertIdempotency.claim('fp|firing|2024-05-01T00:00:00Z'), true)
    assert.equal(await store.alertIdempotency.claim('fp|firing|2024-05-01T00:00:00Z'), false)
    assert.equal(await store.alertIdempotency.claim('fp|resolved|2024-05-01T00:00:00Z'), true)
  },

  'SLO buckets add up across writers and sum over a window': async (store) => {
    const t0 = 1_700_000_000_000
    await store.sloBuckets.add([
      { tenant: 'acme', slo: 'availability', bucketStart: t0, good: 90, total: 100 },
      { tenant: 'acme', slo: 'availability', bucketStart: t0 + 60_000, good: 10, total: 10 },
    ])
    await store.sloBuckets.add([{ tenant: 'acme', slo: 'availability', bucketStart: t0, good: 5, total: 5 }])
    const rows = await store.sloBuckets.range('acme', 'availability', t0, t0 + 120_000)
    assert.deepEqual(
      rows.map((r) => [r.bucketStart, r.good, r.total]),
      [
        [t0, 95, 105],
        [t0 + 60_000, 10, 10],
      ],
    )
    assert.deepEqual(await store.sloBuckets.sum('acme', 'availability', t0, t0 + 60_000), {
      good: 95,
      total: 105,
    })
    assert.deepEqual(await store.sloBuckets.sum('acme', 'latency', t0, t0 + 60_000), { good: 0, total: 0 })
  },

  'SLO configs and measurements round-trip': async (store, clock) => {
    await store.sloConfigs.put('acme', { availability: 0.995 })
    await store.sloConfigs.put('acme', { availability: 0.999 })
    assert.deepEqual((await store.sloConfigs.get('acme'))?.config, { availability: 0.999 })
    for (let i = 0; i < 3; i++) {
      await store.sloMeasurements.insert({
        tenant: 'acme',
        slo: 'availability',
        measuredAt: clock.now + i,
        compliance: 0.9991 + i / 10_000,
        budgetRemaining: 0.25,
        burnRate: 1.5,
        status: 'warning',
        detail: { window: '30d' },
      })
    }
    const list = await store.sloMeasurements.list('acme', 'availability', { limit: 2 })
    assert.equal(list.length, 2)
    assert.equal(list[0]!.measuredAt, clock.now + 2)
    assert.ok(Math.abs(list[0]!.compliance - 0.9993) < 1e-12)
    assert.deepEqual(list[0]!.detail, { window: '30d' })
  },

  'health samples are listed by range, latest and component': async (store, clock) => {
    await store.healthSamples.insertMany([
      { component: 'api', status: 'operational', latencyMs: 3.5, sampledAt: clock.now },
      { component: 'db', status: 'degraded', latencyMs: null, sampledAt: clock.now },
      { component: 'api', status: 'outage', sampledAt: clock.now + 60_000 },
    ])
    assert.deepEqual(await store.healthSamples.components(), ['api', 'db'])
    const latest = await store.healthSamples.latest('api')
    assert.equal(latest[0]!.status, 'outage')
    const range = await store.healthSamples.range(clock.now, clock.now + 60_000, 'api')
    assert.equal(range.length, 1)
    assert.equal(range[0]!.latencyMs, 3.5)
  },

  'incidents keep a timeline and resolve': async (store, clock) => {
    const id = await store.incidents.create({
      title: 'API degraded',
      components: ['api'],
      automatic: true,
      message: 'api degraded for 3 samples',
    })
    assert.equal((await store.incidents.openAutomaticFor('api')).length, 1)
    clock.now += 60_000
    assert.equal(await store.incidents.addUpdate(id, { status: 'resolved', message: 'recovered' }), true)
    assert.equal(await store.incidents.addUpdate(9999, { status: 'resolved', message: 'x' }), false)
    const got = await store.incidents.get(id)
    assert.equal(got?.status, 'resolved')
    assert.equal(got?.resolvedAt, clock.now)
    assert.deepEqual(
      got?.updates.map((u) => u.status),
      ['investigating', 'resolved'],
    )
    assert.equal((await store.incidents.list({ open: true })).length, 0)
    assert.equal((await store.incidents.list()).length, 1)
  },

  'maintenance windows are found by time': async (store, clock) => {
    await store.maintenanceWindows.create({
      title: 'DB upgrade',
      components: ['db'],
      startsAt: clock.now,
      endsAt: clock.now + 3600_000,
    })
    assert.equal((await store.maintenanceWindows.activeAt(clock.now + 1)).length, 1)
    assert.equal((await store.maintenanceWindows.activeAt(clock.now + 3600_000)).length, 0)
    assert.deepEqual((await store.maintenanceWindows.upcoming(clock.now - DAY))[0]!.components, ['db'])
  },

  'a lease is held by one owner until it expires, renewable by its holder': async (store, clock) => {
    assert.equal(await store.acquireLease('job', 'a', 10_000), true)
    assert.equal(await store.acquireLease('job', 'b', 10_000), false)
    assert.equal(await store.acquireLease('job', 'a', 10_000), true)
    assert.equal((await store.leases.holder('job'))?.owner, 'a')
    clock.now += 10_001
    assert.equal(await store.leases.holder('job'), undefined)
    assert.equal(await store.acquireLease('job', 'b', 10_000), true)
    assert.equal(await store.acquireLease('job', 'a', 10_000), false)
    await store.releaseLease('job', 'b')
    assert.equal(await store.acquireLease('job', 'a', 10_000), true)
  },
})
