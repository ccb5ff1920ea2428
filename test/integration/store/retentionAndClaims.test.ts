import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { createStore } from '../../../src/store/createStore.ts'
import { pruneHistory } from '../../../src/store/retentionJob.ts'
import { storeEngineTests } from './storeEngines.ts'

const DAY = 86_400_000
const policy = { alertHistoryDays: 30, healthSamplesDays: 90, sloBucketsDays: 400, incidentsDays: 365 }

storeEngineTests('store retention and concurrent claims', {
  'retention prunes old history but keeps events whose deliveries are unfinished': async (store, clock) => {
    const event = (fingerprint: string) => ({
      tenant: 'acme',
      fingerprint,
      alertname: 'A',
      severity: 'warning',
      status: 'firing' as const,
      summary: '',
      labels: {},
      annotations: {},
      source: 'code',
      suppressed: false,
    })
    const old = clock.now
    const delivered = await store.alertEvents.insert(event('delivered'))
    const stuck = await store.alertEvents.insert(event('stuck'))
    const [d1] = await store.alertDeliveries.insertMany([
      {
        eventId: delivered,
        tenant: 'acme',
        channelId: 'c',
        channelType: 'webhook',
        action: 'trigger',
        dedupKey: 'a',
      },
      {
        eventId: stuck,
        tenant: 'acme',
        channelId: 'c',
        channelType: 'webhook',
        action: 'trigger',
        dedupKey: 'b',
      },
    ])
    const claimed = await store.alertDeliveries.claimDue('w', 1000, 1)
    assert.equal(claimed[0]!.id, d1)
    await store.alertDeliveries.complete(d1!, claimed[0]!.leaseOwner!, { state: 'delivered', status: 202 })
    await store.alertIdempotency.claim('old-key')
    await store.healthSamples.insertMany([{ component: 'api', status: 'operational', sampledAt: old }])
    await store.sloBuckets.add([{ tenant: 'acme', slo: 'a', bucketStart: old, good: 1, total: 1 }])
    clock.now = old + 31 * DAY
    const fresh = await store.alertEvents.insert(event('fresh'))
    const result = await pruneHistory(store, policy, clock.now)
    assert.equal(result.alertDeliveries, 1)
    assert.equal(result.alertEvents, 1)
    assert.equal(result.alertIdempotency, 1)
    assert.equal(result.healthSamples, 0)
    const left = (await store.alertEvents.list('acme')).map((e) => e.id).sort((a, b) => a - b)
    assert.deepEqual(left, [stuck, fresh])
    clock.now = old + 91 * DAY
    assert.equal((await pruneHistory(store, policy, clock.now)).healthSamples, 1)
  },

  "claiming checks a delivery's earlier siblings through an index, not a scan of the outbox": async (
    store,
  ) => {
    const sibling = sql`
      select e.id from alert_deliveries e
      where e.tenant = 'acme' and e.channel_id = 'pd' and e.dedup_key = 'k' and e.id < 10
        and e.state in ('pending', 'in_flight')`
    if (store.engine === 'sqlite') {
      const plan = await sql<{ detail: string }>`explain query plan ${sibling}`.execute(store.db)
      const details = plan.rows.map((r) => r.detail).join('\n')
      assert.match(details, /USING (COVERING )?INDEX alert_deliveries_order/, details)
    } else {
      // A near-empty table is scanned whatever the indexes; with sequential scans off the planner shows its choice.
      await store.db.transaction().execute(async (tx) => {
        await sql`set local enable_seqscan = off`.execute(tx)
        const plan = await sql<{ 'QUERY PLAN': string }>`explain ${sibling}`.execute(tx)
        const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n')
        assert.match(text, /alert_deliveries_order/, text)
      })
    }
  },
  'concurrent claimers never get the same delivery': async (store, clock, url) => {
    await store.alertDeliveries.insertMany(
      Array.from({ length: 60 }, (_, i) => ({
        eventId: i,
        tenant: 'acme',
        channelId: 'c',
        channelType: 'webhook',
        action: 'trigger' as const,
        dedupKey: `k${i}`,
      })),
    )
    // Three "replicas" (separate stores / pools on the same database), several claims each in parallel.
    const replicas = [
      store,
      createStore({ url, now: () => clock.now }),
      createStore({ url, now: () => clock.now }),
    ]
    try {
      const batches = await Promise.all(
        replicas.flatMap((r, i) =>
          [0, 1, 2, 3].map((j) => r.alertDeliveries.claimDue(`w${i}-${j}`, 60_000, 7)),
        ),
      )
      const ids = batches.flat().map((d) => d.id)
      assert.equal(new Set(ids).size, ids.length, 'a delivery was claimed twice')
      assert.equal(ids.length, 60)
    } finally {
      await replicas[1]!.close()
      await replicas[2]!.close()
    }
  },
})
