import assert from 'node:assert/strict'
import { test } from 'node:test'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import { resolveComponents } from '../../../src/status/resolveComponents.ts'
import { toComponentStatus } from '../../../src/status/toComponentStatus.ts'

const table = [
  ['pass', true, 5, undefined, 'operational'],
  ['pass', true, 900, 500, 'degraded'],
  ['pass', true, 400, 500, 'operational'],
  ['warn', true, 5, undefined, 'degraded'],
  ['fail', true, 5, undefined, 'outage'],
  ['fail', false, 5, undefined, 'outage'],
  ['warn', false, 5, undefined, 'degraded'],
] as const

for (const [status, critical, durationMs, limit, expected] of table) {
  test(`a ${critical ? 'critical' : 'non-critical'} ${status} taking ${durationMs} ms (limit ${limit ?? 'none'}) is ${expected}`, () => {
    assert.equal(toComponentStatus({ status, critical, durationMs }, limit), expected)
  })
}

test('components: listed ones first with their names, internal checks excluded, external ones appended', () => {
  const config = resolveConfig(
    {
      status: {
        components: [
          { id: 'redis', name: 'Cache' },
          { id: 'pay', name: 'Payments' },
        ],
        external: [{ id: 'pay', url: 'https://pay.example/health' }],
      },
    },
    {},
  )
  const list = resolveComponents(['memory', 'eventloop', 'postgres', 'redis'], config.status)
  assert.deepEqual(
    list.map((c) => [c.id, c.name, c.source]),
    [
      ['redis', 'Cache', 'check'],
      ['pay', 'Payments', 'external'],
      ['postgres', 'postgres', 'check'],
    ],
  )
})

test('components: a non-empty include list shows only those checks', () => {
  const config = resolveConfig({ status: { include: ['redis'] } }, {})
  assert.deepEqual(
    resolveComponents(['postgres', 'redis'], config.status).map((c) => c.id),
    ['redis'],
  )
})

test('config: defaults and environment variables', () => {
  const d = resolveConfig({}, {}).status
  assert.equal(d.intervalMs, 60_000)
  assert.equal(d.openAfter, 2)
  assert.equal(d.resolveAfter, 3)
  assert.equal(d.page.refreshSeconds, 30)
  assert.equal(d.page.timeoutMs, 5000)
  assert.deepEqual([...d.exclude], ['memory', 'eventloop'])
  const e = resolveConfig(
    {},
    {
      LOOKOUT_STATUS_INTERVAL_MS: '200',
      LOOKOUT_STATUS_OPEN_AFTER: '4',
      LOOKOUT_STATUS_EXCLUDE: 'memory, disk',
      LOOKOUT_STATUS_PAGE_TITLE: 'Acme status',
    },
  ).status
  assert.equal(e.intervalMs, 200)
  assert.equal(e.openAfter, 4)
  assert.deepEqual([...e.exclude], ['memory', 'disk'])
  assert.equal(e.page.title, 'Acme status')
})

test('config: an interval below 50 ms is refused naming the variable', () => {
  assert.throws(
    () => resolveConfig({}, { LOOKOUT_STATUS_INTERVAL_MS: '5' }),
    (e: Error & { code?: string }) =>
      e.code === 'LOOKOUT_ERR_CONFIG_INVALID' && /LOOKOUT_STATUS_INTERVAL_MS/.test(e.message),
  )
})
