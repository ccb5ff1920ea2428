import assert from 'node:assert/strict'
import { randomFillSync } from 'node:crypto'
import { describe, test } from 'node:test'
import { createRandomHexPool } from '../../../src/util/randomHexPool.ts'

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

    test(`a ${chars}-character id whose random bytes are all zero is drawn again before it is handed out`, () => {
      // A source that leaves the 2nd and 5th ids of the first batch zero, and the first redraw of the 5th too.
      let redraws = 0
      const pool = createRandomHexPool(chars, (buffer, offset, size) => {
        if (offset === undefined) {
          randomFillSync(buffer)
          buffer.fill(0, chars / 2, chars)
          buffer.fill(0, (chars / 2) * 4, (chars / 2) * 5)
          return
        }
        redraws++
        if (redraws === 2) buffer.fill(0, offset, offset + size!)
        else randomFillSync(buffer, offset, size)
      })
      const ids = Array.from({ length: 512 }, () => pool.next())
      assert.ok(!ids.includes('0'.repeat(chars)))
      assert.equal(redraws, 3)
      assert.equal(new Set(ids).size, 512)
    })
  }
})

test("lastWordsXor() is the XOR of the last id's four 32-bit words, as a trace-id ratio sampler reads them from the hex", () => {
  const pool = createRandomHexPool(32)
  assert.equal(pool.lastId(), '')
  for (let i = 0; i < 2_000; i++) {
    const id = pool.next()
    assert.equal(pool.lastId(), id)
    let expected = 0
    for (let w = 0; w < 32; w += 8) expected ^= Number.parseInt(id.slice(w, w + 8), 16)
    assert.equal(pool.lastWordsXor(), expected >>> 0, id)
  }
})
