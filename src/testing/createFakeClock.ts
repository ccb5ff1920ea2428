/** A clock a test moves by hand. */
export interface FakeClock {
  /** Current time in epoch ms — pass `clock.now` wherever Lookout takes a `now` option. */
  readonly now: () => number
  /** Moves the clock forward. */
  advance(ms: number): void
  /** Sets the clock. */
  set(epochMs: number): void
}

/**
 * A controllable clock for code under test that takes a `now: () => number` (your own time-dependent logic, and
 * Lookout's internals that accept one), so tests replay hours in milliseconds.
 *
 * @example
 * import { createFakeClock } from 'lookout/testing'
 * const clock = createFakeClock(Date.UTC(2026, 0, 1))
 * const cache = createTtlCache({ ttlMs: 60_000, now: clock.now }) // your code
 * clock.advance(60_001) // the entry has expired
 */
export function createFakeClock(startMs = 0): FakeClock {
  let t = startMs
  return {
    now: () => t,
    advance(ms) {
      if (ms < 0 || !Number.isFinite(ms))
        throw new RangeError('a fake clock only moves forward by a finite amount')
      t += ms
    },
    set(epochMs) {
      t = epochMs
    },
  }
}
