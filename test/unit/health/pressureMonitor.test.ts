import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createPressureMonitor, type PressureReading } from '../../../src/health/pressureMonitor.ts'

const calm: PressureReading = {
  eventLoopDelayMs: 2,
  eventLoopUtilization: 0.1,
  heapUsedBytes: 50e6,
  rssBytes: 120e6,
}

const cases: [string, Partial<PressureReading>, string | undefined][] = [
  ['a calm process is not overloaded', {}, undefined],
  ['event-loop delay over its limit sheds', { eventLoopDelayMs: 250 }, 'eventLoopDelay 250 ms > 200 ms'],
  ['utilisation over its limit sheds', { eventLoopUtilization: 0.99 }, 'eventLoopUtilization 0.99 > 0.95'],
  ['heap over its limit sheds', { heapUsedBytes: 300e6 }, 'heapUsed 300000000 B > 200000000 B'],
  ['RSS over its limit sheds', { rssBytes: 600e6 }, 'rss 600000000 B > 500000000 B'],
]

for (const [name, reading, reason] of cases) {
  test(name, () => {
    const monitor = createPressureMonitor({
      limits: {
        maxEventLoopDelayMs: 200,
        maxEventLoopUtilization: 0.95,
        maxHeapUsedBytes: 200e6,
        maxRssBytes: 500e6,
      },
      read: () => ({ ...calm, ...reading }),
    })
    monitor.sample()
    assert.equal(monitor.overloaded, reason !== undefined)
    assert.equal(monitor.reason, reason)
  })
}

test('an unset limit is never checked', () => {
  const monitor = createPressureMonitor({
    limits: { maxRssBytes: 500e6 },
    read: () => ({ ...calm, eventLoopDelayMs: 1e6 }),
  })
  monitor.sample()
  assert.equal(monitor.overloaded, false)
})

test('onChange is told only when the state flips', () => {
  let current: PressureReading = calm
  const changes: boolean[] = []
  const monitor = createPressureMonitor({
    limits: { maxEventLoopDelayMs: 100 },
    read: () => current,
    onChange: (overloaded) => void changes.push(overloaded),
  })
  monitor.sample()
  current = { ...calm, eventLoopDelayMs: 500 }
  monitor.sample()
  monitor.sample()
  current = calm
  monitor.sample()
  assert.deepEqual(changes, [true, false])
})

test('the real process reader notices a blocked event loop', async () => {
  const seen: { overloaded: boolean; reason: string | undefined; utilization: number }[] = []
  const monitor = createPressureMonitor({
    limits: { maxEventLoopDelayMs: 100 },
    sampleIntervalMs: 50,
    onChange: (overloaded, reason, reading) =>
      void seen.push({ overloaded, reason, utilization: reading.eventLoopUtilization }),
  })
  monitor.start()
  try {
    const until = Date.now() + 300
    while (Date.now() < until) {
      // block the loop past the limit
    }
    await new Promise((r) => setTimeout(r, 120))
    const first = seen[0]
    assert.equal(first?.overloaded, true, JSON.stringify(seen))
    assert.match(first?.reason ?? '', /^eventLoopDelay \d+ ms > 100 ms$/)
    assert.ok((first?.utilization ?? 0) > 0.5)
  } finally {
    monitor.stop()
  }
})
