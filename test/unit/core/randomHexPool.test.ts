import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createRandomHexPool } from '../../../src/core/randomHexPool.ts'

describe('the random hex pool', () => {
  for (const chars of [16, 32] as const) {
    test(`${chars}-character ids are lowercase hex, distinct across several batches, never all zero`, () => {
      const pool = createRandomHexPool(chars)
      const seen = new Set<string>()
      const shape = new RegExp(`^[0-9a-f]{${chars}}$`)
      for (let i = 0; i < 3_000; i++) {
        const id = pool.next()
        assert.match(id, shape)
        assert.notEqual(id, '0'.repeat(chars))
        seen.add(id)
      }
      assert.equal(seen.size, 3_000)
      // Every position takes many values: the ids are random, not a counter or a fixed prefix.
      for (let p = 0; p < chars; p++)
        assert.ok(new Set([...seen].map((id) => id[p])).size >= 12, `position ${p}`)
    })
  }
})
