import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { isoTimestamp } from '../../../src/logging/isoTimestamp.ts'

const expected = (ms: number) => `,"time":"${new Date(ms).toISOString()}"`

test('the time field is toISOString() of the current millisecond, across milliseconds, seconds, days and years', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 })
  const instants = [
    0,
    1,
    999,
    1000,
    1001,
    Date.UTC(2026, 11, 6, 18, 31, 34, 201),
    Date.UTC(2026, 11, 6, 18, 31, 34, 201), // the same millisecond again
    Date.UTC(2026, 11, 6, 18, 31, 34, 202),
    Date.UTC(2026, 11, 6, 18, 31, 35, 0),
    Date.UTC(2026, 11, 31, 23, 59, 59, 999),
    Date.UTC(2027, 0, 1, 0, 0, 0, 0),
    Date.UTC(2028, 1, 29, 12, 0, 0, 50),
    Date.UTC(2026, 11, 6, 18, 31, 34, 999), // back in time (a clock step): the same second as before, re-derived
    Date.UTC(10_000, 0, 1, 0, 0, 0, 7), // a six-digit year keeps its longer head
  ]
  for (const ms of instants) {
    t.mock.timers.setTime(ms)
    assert.equal(isoTimestamp(), expected(ms), String(ms))
  }
})

test('every millisecond of a second is written with three digits', (t) => {
  const start = Date.UTC(2026, 11, 6, 18, 31, 34, 0)
  t.mock.timers.enable({ apis: ['Date'], now: start })
  for (let ms = start; ms < start + 1000; ms++) {
    t.mock.timers.setTime(ms)
    assert.equal(isoTimestamp(), expected(ms))
  }
})

test('any sequence of instants gives the field toISOString() gives each of them', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 })
  const instant = fc.oneof(
    fc.integer({ min: 0, max: 8_640_000_000_000_000 }),
    fc.integer({ min: 1_700_000_000_000, max: 1_700_000_003_000 }),
  )
  fc.assert(
    fc.property(fc.array(instant, { minLength: 1, maxLength: 20 }), (instants) => {
      for (const ms of instants) {
        t.mock.timers.setTime(ms)
        assert.equal(isoTimestamp(), expected(ms))
      }
    }),
  )
})
