import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { durationMs } from '../../../src/logging/durationMs.ts'

const reference = (seconds: number) => {
  const ms = Math.round(seconds * 1e6) / 1e3
  return Number.isFinite(ms) ? String(ms) : 'null'
}

test('durations are written as String() writes the rounded milliseconds', () => {
  for (const [seconds, text] of [
    [0, '0'],
    [0.0000004, '0'],
    [0.0000005, '0.001'],
    [0.000123, '0.123'],
    [0.0005, '0.5'],
    [0.01, '10'],
    [0.0123456, '12.346'],
    [1.0001, '1000.1'],
    [3600, '3600000'],
  ] as const) {
    assert.equal(durationMs(seconds), text, `${seconds} s`)
    assert.equal(durationMs(seconds), reference(seconds), `${seconds} s, reference`)
  }
  assert.equal(durationMs(Number.NaN), 'null')
  assert.equal(durationMs(Number.POSITIVE_INFINITY), 'null')
})

test('any duration is written exactly as String() writes it (property)', () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 0.01 })),
      (s) => {
        assert.equal(durationMs(s), reference(s))
      },
    ),
    { numRuns: 20_000 },
  )
})
