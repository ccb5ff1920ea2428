import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestContext, test } from 'node:test'
import { startPostgres } from '../../support/postgres.ts'
import { OPERATOR_KEY, type StatusApp, statusApp, switchCheck } from './statusApp.ts'

const auth = { authorization: `Bearer ${OPERATOR_KEY}`, 'content-type': 'application/json' }

async function sample(s: StatusApp, n: number) {
  for (let i = 0; i < n; i++) await s.instance.status!.sampleNow()
}

async function componentAlertApp(storeUrl = 'sqlite::memory:') {
  const db = switchCheck('db')
  const cache = switchCheck('cache', false)
  const s = await statusApp(
    {
      alerting: { enabled: true, cooldownSeconds: 0 },
      health: { checks: [db.check, cache.check] },
      status: {
        openAfter: 2,
        resolveAfter: 3,
        components: [
          { id: 'db', name: 'Database' },
          { id: 'cache', name: 'Cache' },
        ],
      },
    },
    { storeUrl },
  )
  await sample(s, 1)
  return s
}

/** An Alertmanager webhook (v4) notification for one alert. */
function notification(status: 'firing' | 'resolved', labels: Record<string, string>) {
  return {
    version: '4',
    groupKey: '{}:{alertname="DatabaseDown"}',
    truncatedAlerts: 0,
    status,
    receiver: 'lookout',
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: { summary: 'primary unreachable' },
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status,
        labels,
        annotations: { summary: 'primary unreachable' },
        startsAt: '2024-05-01T10:00:00.000Z',
        endsAt: status === 'resolved' ? '2024-05-01T10:10:00.000Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph',
        fingerprint: 'c0ffee0123456789',
      },
    ],
  }
}

test('a critical alert fired through lookout.alerts with a component label opens an outage after openAfter samples and resolves after resolveAfter', async (t) => {
  const s = await componentAlertApp()
  t.after(() => s.close())
  const status = s.instance.status!
  await s.instance.alerts.fire({
    tenant: 'acme',
    alertname: 'DatabaseDown',
    severity: 'critical',
    labels: { component: 'db', instance: 'db-internal-7.prod.example:5432' },
  })
  await sample(s, 1)
  assert.equal((await status.incidents()).open.length, 0, 'one sample is not an incident')
  await sample(s, 1)
  let inc = await status.incidents()
  assert.equal(inc.open.length, 1)
  assert.equal(inc.open[0]!.title, 'Database unavailable')
  assert.equal(inc.open[0]!.impact, 'major')
  assert.deepEqual(
    inc.open[0]!.components.map((c) => c.id),
    ['db'],
  )
  assert.match(inc.open[0]!.updates.at(-1)!.message, /DatabaseDown/)
  assert.doesNotMatch(JSON.stringify(inc), /db-internal-7/)
  // A repeat of the firing alert adds nothing.
  await s.instance.alerts.fire({
    tenant: 'acme',
    alertname: 'DatabaseDown',
    severity: 'critical',
    labels: { component: 'db', instance: 'db-internal-7.prod.example:5432' },
  })
  await s.instance.alerts.resolve({
    tenant: 'acme',
    alertname: 'DatabaseDown',
    labels: { component: 'db', instance: 'db-internal-7.prod.example:5432' },
  })
  await sample(s, 2)
  assert.equal((await status.incidents()).open.length, 1, 'two good samples do not resolve it')
  await sample(s, 1)
  inc = await status.incidents()
  assert.equal(inc.open.length, 0)
  assert.equal(inc.recent.length, 1)
  assert.deepEqual(
    inc.recent[0]!.updates.map((u) => u.status),
    ['resolved', 'investigating'],
  )
  assert.equal((await s.instance.store.incidents.list()).length, 1)
})

test('a warning alert opens a degraded (minor) incident; an unknown component or no component opens nothing', async (t) => {
  const s = await componentAlertApp()
  t.after(() => s.close())
  await s.instance.alerts.fire({
    tenant: 'acme',
    alertname: 'CacheSlow',
    severity: 'warning',
    labels: { component: 'cache' },
  })
  await s.instance.alerts.fire({
    tenant: 'acme',
    alertname: 'Other',
    severity: 'critical',
    labels: { component: 'nope' },
  })
  await s.instance.alerts.fire({ tenant: 'acme', alertname: 'NoComponent', severity: 'critical' })
  await sample(s, 2)
  const inc = await s.instance.status!.incidents()
  assert.equal(inc.open.length, 1)
  assert.equal(inc.open[0]!.title, 'Cache degraded')
  assert.equal(inc.open[0]!.impact, 'minor')
  assert.deepEqual(
    inc.open[0]!.components.map((c) => c.id),
    ['cache'],
  )
  assert.match(inc.open[0]!.updates.at(-1)!.message, /CacheSlow/)
})

test('an Alertmanager webhook (v4) with a component label opens and resolves an incident through the same streaks', async (t) => {
  const s = await componentAlertApp()
  t.after(() => s.close())
  const status = s.instance.status!
  const labels = { alertname: 'DatabaseDown', severity: 'page', component: 'db', tenant: 'acme' }
  const post = async (body: object) => {
    const r = await s.app.inject({
      method: 'POST',
      url: '/observability/alerts/alertmanager',
      headers: auth,
      payload: body,
    })
    assert.equal(r.statusCode, 200, r.body)
    return r.json()
  }
  assert.equal((await post(notification('firing', labels))).processed, 1)
  await sample(s, 2)
  let inc = await status.incidents()
  assert.equal(inc.open.length, 1)
  assert.equal(inc.open[0]!.title, 'Database unavailable')
  assert.equal(inc.open[0]!.impact, 'major')
  assert.match(inc.open[0]!.updates.at(-1)!.message, /DatabaseDown/)
  assert.equal((await post(notification('resolved', labels))).processed, 1)
  await sample(s, 3)
  inc = await status.incidents()
  assert.equal(inc.open.length, 0)
  assert.equal(inc.recent.length, 1)
})

const storesForReplicas: Record<string, (t: TestContext) => Promise<string | undefined>> = {
  SQLite: async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-alert-incidents-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    return `sqlite:${join(dir, 'lookout.db')}`
  },
  PostgreSQL: async (t) => {
    const pg = await startPostgres(t)
    if (pg === undefined) return undefined
    t.after(() => pg.stop())
    return pg.url
  },
}

for (const [kind, storeFor] of Object.entries(storesForReplicas)) {
  test(`with two replicas on one ${kind} store, an alert received by the follower opens and resolves the incident through the leader`, async (t) => {
    const url = await storeFor(t)
    if (url === undefined) return
    const leader = await componentAlertApp(url)
    t.after(() => leader.close())
    const follower = await componentAlertApp(url)
    t.after(() => follower.close())
    assert.equal((await follower.instance.status!.sampleNow()).leader, false)
    const ref = { tenant: 'acme', alertname: 'DatabaseDown', labels: { component: 'db' } }
    await follower.instance.alerts.fire({ ...ref, severity: 'critical' })
    assert.equal((await follower.instance.status!.sampleNow()).leader, false, 'the follower writes nothing')
    await sample(leader, 2)
    let inc = await leader.instance.status!.incidents()
    assert.equal(inc.open.length, 1)
    assert.equal(inc.open[0]!.title, 'Database unavailable')
    await follower.instance.alerts.resolve(ref)
    await sample(leader, 3)
    inc = await follower.instance.status!.incidents()
    assert.equal(inc.open.length, 0)
    assert.equal(inc.recent.length, 1)
  })
}
