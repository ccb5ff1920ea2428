import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildSloModel } from '../../../src/slo/buildSloModel.ts'
import { BURN_WINDOWS } from '../../../src/slo/conventions.ts'
import { evaluateSlo } from '../../../src/slo/evaluateSlo.ts'
import { createInProcessSloSource } from '../../../src/slo/inProcessSloSource.ts'
import { sloForTenant } from '../../../src/slo/sloModel.ts'
import { createMemorySloPersistence } from '../../../src/slo/sloPersistence.ts'
import { createSloService } from '../../../src/slo/sloService.ts'

const MINUTE = 60_000
const DAY = 1440 * MINUTE
const START = Date.UTC(2024, 0, 1)

/** Deterministic PRNG (mulberry32). */
function prng(seed: number) {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Event {
  readonly at: number
  readonly status: number
  readonly duration: number
}

/**
 * A month of traffic for one tenant, compressed: 12 requests a minute with 0.05 % background errors, a
 * 2-hour 5 % error incident on day 10, a 30-minute total outage on day 20 and a slow day (20 % over 300 ms)
 * on day 25.
 */
function syntheticMonth(): Event[] {
  const random = prng(42)
  const events: Event[] = []
  for (let minute = 0; minute < 30 * 1440; minute++) {
    const day = Math.floor(minute / 1440)
    const inDay = minute % 1440
    for (let i = 0; i < 12; i++) {
      let errorP = 0.0005
      if (day === 10 && inDay >= 600 && inDay < 720) errorP = 0.05
      if (day === 20 && inDay >= 300 && inDay < 330) errorP = 1
      const slowP = day === 25 ? 0.2 : 0.01
      events.push({
        at: START + minute * MINUTE + i * 5000,
        status: random() < errorP ? 503 : 200,
        duration: random() < slowP ? 0.4 + random() : 0.02 + random() * 0.1,
      })
    }
  }
  return events
}

/** The straightforward reference: count the raw events of each window directly. */
function reference(
  events: readonly Event[],
  kind: 'availability' | 'latency',
  threshold: number,
  nowMs: number,
  periodMs: number,
) {
  const end = Math.floor(nowMs / MINUTE) * MINUTE + MINUTE
  const count = (from: number) => {
    let good = 0
    let total = 0
    for (const e of events) {
      if (e.at < from || e.at >= end) continue
      total++
      if (kind === 'availability' ? e.status < 500 : e.duration <= threshold) good++
    }
    return { good, total }
  }
  return {
    windows: Object.fromEntries(BURN_WINDOWS.map((w) => [w.name, count(end - w.seconds * 1000)])),
    period: count(end - periodMs),
  }
}

test('a synthetic month replayed through the in-process source matches a direct reference computation', async () => {
  const events = syntheticMonth()
  const model = buildSloModel()
  let now = START
  const persistence = createMemorySloPersistence({ now: () => now })
  const source = createInProcessSloSource({
    persistence,
    slosFor: (t) => sloForTenant(model, t),
    now: () => now,
    maxPendingBuckets: 100_000,
  })
  const service = createSloService({ model, source, persistence, buckets: [0.3, 0.8], now: () => now })
  const checkpoints = [5, 10.5, 15, 20 + 305 / 1440, 20.25, 25.95].map((d) => START + d * DAY - 1)
  let next = 0
  let lastFlush = START
  const seen: Record<string, string[]> = { availability: [], 'latency-p95': [], 'latency-p99': [] }
  for (const e of events) {
    while (next < checkpoints.length && e.at > checkpoints[next]!) {
      now = checkpoints[next]!
      await source.flush()
      const measured = await service.measure('acme')
      for (const slo of model.defaults) {
        const expected = evaluateSlo(
          slo,
          reference(events, slo.kind, slo.thresholdSeconds ?? 0, now, slo.periodSeconds * 1000),
        )
        const got = measured.find((m) => m.slo === slo.name)!
        assert.deepEqual(got, expected, `${slo.name} at day ${(now - START) / DAY}`)
        seen[slo.name]!.push(got.status)
      }
      next++
    }
    now = e.at
    source.record('acme', '/users/:id', 'GET', e.status, e.duration, e.at)
    // The store is written every 10 simulated minutes, as the flush timer would.
    if (e.at - lastFlush >= 10 * MINUTE) {
      await source.flush()
      lastFlush = e.at
    }
  }
  now = START + 30 * DAY - 1
  const final = await service.measure('acme')
  const availability = final.find((f) => f.slo === 'availability')!
  // The incidents spent more than the 0.1 % budget: 2 h at 5 % plus 30 min at 100 % of 518 400 requests.
  assert.ok(availability.budgetRemaining < 0, String(availability.budgetRemaining))
  assert.equal(availability.total, 518_400)
  // The statuses moved as the incidents unfolded: critical during the outage, exhausted after it.
  assert.deepEqual(seen.availability, ['ok', 'critical', 'ok', 'critical', 'exhausted', 'exhausted'])
  // 20 % slow against a 5 % budget burns at 4×: above the 1d&2h ticket row (3×), below the 6h&30m page row (6×).
  assert.equal(seen['latency-p95']![5], 'warning')
  const history = await service.history('acme', 'availability', { limit: 100 })
  assert.equal(history.length, 7)
  const burndown = await service.burndown('acme', 30)
  assert.equal(burndown[0]!.points.at(-1)!.remaining, availability.budgetRemaining)
})
