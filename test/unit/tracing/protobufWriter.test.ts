import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { ProtobufWriter } from '../../../src/tracing/protobufWriter.ts'

test('a hex id is written as the bytes Node decodes from it, a non-hex tail as zeros (property)', () => {
  const hexish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFxg-'), maxLength: 40 })
  fc.assert(
    fc.property(hexish, (hex) => {
      const w = new ProtobufWriter(8)
      w.hexBytes(1, hex)
      const bytes = hex.length >>> 1
      const expected = Buffer.alloc(bytes)
      expected.write(hex, 0, bytes, 'hex')
      assert.deepEqual(Buffer.from(w.finish()), Buffer.concat([Buffer.of(0x0a, bytes), expected]))
    }),
    { numRuns: 500 },
  )
})

test('the body of a message just ended is copied when its length fits one byte, and not otherwise', () => {
  const w = new ProtobufWriter(8)
  const short = w.begin(1)
  w.string(1, 'abc')
  w.end(short)
  assert.deepEqual(w.bodyOf(short), Uint8Array.of(0x0a, 3, 97, 98, 99))
  const long = w.begin(2)
  w.string(1, 'x'.repeat(200))
  w.end(long)
  assert.equal(w.bodyOf(long), undefined)
})
