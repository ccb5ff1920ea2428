/**
 * pino's `timestamp` option producing an ISO 8601 UTC time (`,"time":"2026-11-22T03:52:53.201Z"`).
 * `toISOString()` is costly (V8 formats it with printf), so it runs at most once per second: within a second only
 * the milliseconds change, and they come from a table; within a millisecond the previous string is returned.
 *
 * @example
 * pino({ timestamp: isoTimestamp })
 */
export function isoTimestamp(): string {
  const now = Date.now()
  if (now === lastMs) return lastText
  lastMs = now
  const second = Math.floor(now / 1000)
  if (second !== lastSecond) {
    lastSecond = second
    const iso = new Date(now).toISOString()
    // Everything up to and including the '.' before the milliseconds (years beyond 9999 have a longer head).
    secondHead = `,"time":"${iso.slice(0, iso.length - 4)}`
  }
  lastText = `${secondHead}${MILLIS[now - second * 1000]}`
  return lastText
}

/** `000Z"` … `999Z"`: a millisecond's digits and the end of the field. */
const MILLIS = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(3, '0')}Z"`)

let lastMs = Number.NaN
let lastText = ''
let lastSecond = Number.NaN
let secondHead = ''
