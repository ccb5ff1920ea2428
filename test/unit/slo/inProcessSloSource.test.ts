import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildSloModel } from '../../../src/slo/buildSloModel.ts'
import { createInProcessSloSource } from '../../../src/slo/inProcessSloSource.ts'
import { sloForTenant } from '../../../src/slo/sloModel.ts'
import { createMemorySloPersistence } from '../../../src/slo/sloPersistence.ts'

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
