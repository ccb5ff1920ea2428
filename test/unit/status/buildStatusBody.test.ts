import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildStatusBody, historyStart, type StatusInput } from '../../../src/status/buildStatusBody.ts'
import type { StatusComponent } from '../../../src/status/resolveComponents.ts'

const DAY = 86_400_000
const NOW = Date.UTC(2024, 4, 31, 12, 0, 0)
const comp = (id: string, name = id): StatusComponent => ({
  id,
  name,
  description: undefined,
  degradedLatencyMs: undefined,
  source: 'check',
})

function input(over: Partial<StatusInput>): StatusInput {
  return {
    now: NOW,
    title: 'Acme status',
    description: undefined,
    components: [comp('api', 'API')],
    latest: new Map([['api', { status: 'operational', sampledAt: NOW - 1000 }]]),
    staleAfterMs: 60_000,
    daily: [],
    maintenance: [],
    openIncidents: [],
    ...over,
  }
}

test('90 bars end today (UTC) and start 89 days earlier', () => {
  const body = buildStatusBody(input({}))
  const days = body.components[0]!.days
  assert.equal(days.length, 90)
  assert.equal(days[89]!.date, '2024-05-31')
  assert.equal(days[0]!.date, new Date(historyStart(NOW)).toISOString().slice(0, 10))
  assert.equal(days[0]!.date, '2024-03-03')
  assert.ok(days.every((d) => d.status === 'nodata' && d.uptime === null))
  assert.equal(body.components[0]!.uptime30d, null)
})

test('each bar shows the worst status of its day and uptime counts degraded as up', () => {
  const body = buildStatusBody(
    input({
      daily: [
        { component: 'api', status: 'operational', bucket: 89, count: 97 },
        { component: 'api', status: 'degraded', bucket: 89, count: 2 },
        { component: 'api', status: 'outage', bucket: 89, count: 1 },
        { component: 'api', status: 'operational', bucket: 88, count: 10 },
        { component: 'api', status: 'degraded', bucket: 87, count: 10 },
      ],
    }),
  )
  const days = body.components[0]!.days
  assert.deepEqual(days[89], { date: '2024-05-31', status: 'outage', uptime: 99 })
  assert.deepEqual(days[88], { date: '2024-05-30', status: 'operational', uptime: 100 })
  assert.deepEqual(days[87], { date: '2024-05-29', status: 'degraded', uptime: 100 })
  assert.equal(body.components[0]!.uptime30d, 99.167)
})

test('maintenance samples count neither for nor against uptime; a maintenance-only day shows maintenance', () => {
  const body = buildStatusBody(
    input({
      daily: [
        { component: 'api', status: 'maintenance', bucket: 80, count: 50 },
        { component: 'api', status: 'maintenance', bucket: 89, count: 50 },
        { component: 'api', status: 'operational', bucket: 89, count: 9 },
        { component: 'api', status: 'outage', bucket: 89, count: 1 },
      ],
    }),
  )
  const c = body.components[0]!
  assert.equal(c.days[80]!.status, 'maintenance')
  assert.equal(c.days[80]!.uptime, null)
  assert.equal(c.days[89]!.uptime, 90)
  assert.equal(c.uptime30d, 90)
})

test('days older than 30 do not count in the 30-day uptime', () => {
  const body = buildStatusBody(
    input({
      daily: [
        { component: 'api', status: 'outage', bucket: 59, count: 100 },
        { component: 'api', status: 'operational', bucket: 60, count: 100 },
      ],
    }),
  )
  assert.equal(body.components[0]!.uptime30d, 100)
  assert.equal(body.components[0]!.days[59]!.status, 'outage')
})

const overall: [string, [string, number][], string, string][] = [
  ['all operational', [['operational', 0]], 'operational', 'All systems operational'],
  [
    'one degraded',
    [
      ['operational', 0],
      ['degraded', 0],
    ],
    'degraded',
    'Some systems are degraded',
  ],
  [
    'outage wins over degraded',
    [
      ['degraded', 0],
      ['outage', 0],
    ],
    'outage',
    'Some systems are unavailable',
  ],
  [
    'maintenance with the rest operational',
    [
      ['maintenance', 0],
      ['operational', 0],
    ],
    'maintenance',
    'Scheduled maintenance in progress',
  ],
  [
    'an outage wins over maintenance',
    [
      ['maintenance', 0],
      ['outage', 0],
    ],
    'outage',
    'Some systems are unavailable',
  ],
  ['only stale samples', [['operational', 120_000]], 'unknown', 'Status is not known right now'],
]
for (const [name, latest, status, summary] of overall) {
  test(`overall status: ${name} → ${status}`, () => {
    const components = latest.map((_, i) => comp(`c${i}`))
    const body = buildStatusBody(
      input({
        components,
        latest: new Map(latest.map(([s, age], i) => [`c${i}`, { status: s, sampledAt: NOW - age }])),
      }),
    )
    assert.equal(body.status, status)
    assert.equal(body.summary, summary)
  })
}

test('a stale latest sample shows as nodata, and updatedAt is the newest sample time', () => {
  const body = buildStatusBody(
    input({
      components: [comp('a'), comp('b')],
      latest: new Map([
        ['a', { status: 'outage', sampledAt: NOW - 120_000 }],
        ['b', { status: 'operational', sampledAt: NOW - 5_000 }],
      ]),
    }),
  )
  assert.equal(body.components[0]!.status, 'nodata')
  assert.equal(body.status, 'operational')
  assert.equal(body.updatedAt, new Date(NOW - 5_000).toISOString())
})

test('maintenance windows are listed with an active flag; open incidents only by title, status and impact', () => {
  const body = buildStatusBody(
    input({
      maintenance: [
        {
          id: 1,
          title: 'DB upgrade',
          description: 'd',
          components: ['api'],
          startsAt: NOW - 1000,
          endsAt: NOW + DAY,
        },
        {
          id: 2,
          title: 'Later',
          description: '',
          components: [],
          startsAt: NOW + DAY,
          endsAt: NOW + 2 * DAY,
        },
      ],
      openIncidents: [{ id: 5, title: 'API unavailable', status: 'investigating', impact: 'major' }],
    }),
  )
  assert.deepEqual(
    body.maintenance.map((w) => [w.id, w.active]),
    [
      [1, true],
      [2, false],
    ],
  )
  assert.deepEqual(body.activeIncidents, [
    { id: 5, title: 'API unavailable', status: 'investigating', impact: 'major' },
  ])
})
