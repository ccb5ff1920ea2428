// Cooldown and deduplication across replicas sharing one store: three routers handle the same alert at the same
// moment; one passes and is delivered, the others are recorded as suppressed (fire) or dropped (resolve). On a real
// PostgreSQL each router has its own pool, as three replicas do; on SQLite they share one connection (a
// synchronous driver cannot wait on a second connection of its own process) — the routers' decisions still race.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestContext, test } from 'node:test'
import { createAlertRouter } from '../../../src/alerting/createAlertRouter.ts'
import { routingConfigSchema } from '../../../src/alerting/routingConfig.ts'
import { createStore, type Store } from '../../../src/store/createStore.ts'
import { startPostgres } from '../../support/postgres.ts'

const REPLICAS = 3
const config = routingConfigSchema.parse({
  channels: [{ id: 'pd', type: 'pagerduty', routingKey: 'R0123456789abcdef0123456789abcde' }],
  routes: [{ channels: ['pd'] }],
})

async function replicas(t: TestContext, url: string, pools: number) {
  const stores: Store[] = []
  for (let i = 0; i < pools; i++) {
    const store = createStore({ url })
    await store.migrate()
    t.after(() => store.close())
    stores.push(store)
  }
  const routers = Array.from({ length: REPLICAS }, (_, i) => stores[i % stores.length]!).map((store) =>
    createAlertRouter({
      store: () => store,
      loadConfig: async () => config,
      cooldownSeconds: 300,
      metrics: undefined,
      redact: (v) => v,
      onEnqueued: () => {},
    }),
  )
  return { store: stores[0]!, routers }
}

async function sharedCooldown(t: TestContext, url: string, pools: number) {
  const { store, routers } = await replicas(t, url, pools)
  const alert = { tenant: 'acme', alertname: 'DiskFull', severity: 'critical', labels: { host: 'db-1' } }
  for (let round = 0; round < 5; round++) {
    const fired = await Promise.all(routers.map((r) => r.fire(alert)))
    assert.equal(fired.filter((f) => !f.suppressed).length, 1, `round ${round}: fires that passed`)
    assert.equal(fired.filter((f) => f.suppressed).length, REPLICAS - 1)
    const resolved = await Promise.all(routers.map((r) => r.resolve(alert)))
    assert.equal(
      resolved.filter((r) => r.eventId !== undefined).length,
      1,
      `round ${round}: resolves that passed`,
    )
  }
  const events = await store.alertEvents.list('acme', { limit: 100 })
  const passed = events.filter((e) => !e.suppressed)
  assert.equal(passed.filter((e) => e.status === 'firing').length, 5)
  assert.equal(passed.filter((e) => e.status === 'resolved').length, 5)
  const deliveries = [...(await store.alertDeliveries.listForEvents(events.map((e) => e.id))).values()].flat()
  assert.deepEqual(
    {
      trigger: deliveries.filter((d) => d.action === 'trigger').length,
      resolve: deliveries.filter((d) => d.action === 'resolve').length,
    },
    { trigger: 5, resolve: 5 },
  )
}

test('three replicas firing and resolving the same alert at once deliver each once, on SQLite', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-cooldown-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  await sharedCooldown(t, `sqlite:${join(dir, 'lookout.db')}`, 1)
})

test('three replicas firing and resolving the same alert at once deliver each once, on PostgreSQL', async (t) => {
  const pg = await startPostgres(t)
  if (pg === undefined) return
  t.after(() => pg.stop())
  await sharedCooldown(t, pg.url, REPLICAS)
})
