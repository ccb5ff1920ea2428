import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildSloModel } from '../../../src/slo/buildSloModel.ts'
import { createInProcessSloSource } from '../../../src/slo/inProcessSloSource.ts'
import { sloForTenant } from '../../../src/slo/sloModel.ts'
import { createMemorySloPersistence } from '../../../src/slo/sloPersistence.ts'
import { createSloService } from '../../../src/slo/sloService.ts'

const model = buildSloModel({ slos: [{ name: 'availability', kind: 'availability', objective: 99.9 }] })

function setup() {
  const persistence = createMemorySloPersistence()
  const source = createInProcessSloSource({ persistence, slosFor: (t) => sloForTenant(model, t) })
  return { persistence, source }
}

test('a flush with nothing pending leaves later flushes writing (the start-up order)', async () => {
  const { persistence, source } = setup()
  await source.flush()
  source.record('acme', '/a', 'GET', 200, 0.01, 60_000)
  source.record('acme', '/a', 'GET', 500, 0.01, 60_000)
  await source.flush()
  assert.equal(source.pending, 0)
  assert.deepEqual(await persistence.sloBuckets.sum('acme', 'availability', 0, 120_000), {
    good: 1,
    total: 2,
  })
  source.record('acme', '/a', 'GET', 200, 0.01, 60_000)
  await source.flush()
  assert.deepEqual(await persistence.sloBuckets.sum('acme', 'availability', 0, 120_000), {
    good: 2,
    total: 3,
  })
})

test('concurrent flushes write each increment once', async () => {
  const { persistence, source } = setup()
  source.record('acme', '/a', 'GET', 200, 0.01, 60_000)
  await Promise.all([source.flush(), source.flush(), source.flush()])
  source.record('acme', '/a', 'GET', 200, 0.01, 60_000)
  await Promise.all([source.flush(), source.flush()])
  assert.deepEqual(await persistence.sloBuckets.sum('acme', 'availability', 0, 120_000), {
    good: 2,
    total: 2,
  })
})

test('a failed flush keeps its increments pending and the next flush writes them', async () => {
  const memory = createMemorySloPersistence()
  let fail = true
  const persistence = {
    ...memory,
    sloBuckets: {
      ...memory.sloBuckets,
      async add(rows: Parameters<typeof memory.sloBuckets.add>[0]) {
        if (fail) throw new Error('store down')
        return memory.sloBuckets.add(rows)
      },
    },
  }
  const source = createInProcessSloSource({ persistence, slosFor: (t) => sloForTenant(model, t) })
  source.record('acme', '/a', 'GET', 200, 0.01, 60_000)
  await assert.rejects(source.flush(), /store down/)
  assert.equal(source.pending, 1)
  fail = false
  await source.flush()
  assert.deepEqual(await memory.sloBuckets.sum('acme', 'availability', 0, 120_000), { good: 1, total: 1 })
})

test('budget remaining is rounded once and the burndown ends at exactly that figure', async () => {
  let now = Date.UTC(2024, 4, 1, 12)
  const persistence = createMemorySloPersistence({ now: () => now })
  const source = createInProcessSloSource({
    persistence,
    slosFor: (t) => sloForTenant(model, t),
    now: () => now,
  })
  const service = createSloService({ model, source, persistence, buckets: [], now: () => now })
  // 14 errors in 13 000 requests against a 0.1 % budget: 1 − 14/13 = −0.0769230769230769…
  for (let i = 0; i < 13_000; i++)
    source.record('acme', '/a', 'GET', i < 14 ? 500 : 200, 0.01, now - (i % 600) * 1000)
  await source.flush()
  now += 30_000
  const [figures] = await service.status('acme')
  assert.equal(figures!.budgetRemaining, -0.0769230769231)
  assert.equal(figures!.periodBurnRate, 1.07692307692)
  const [burndown] = await service.burndown('acme', 60)
  assert.equal(burndown!.points.at(-1)!.remaining, figures!.budgetRemaining)
  assert.equal(burndown!.points.length, 60)
})
