/**
 * pino's `timestamp` option producing an ISO 8601 UTC time (`,"time":"2026-11-22T03:52:53.201Z"`), with the string
 * built at most once per millisecond: `toISOString()` is costly, and at thousands of lines per second most lines
 * share their millisecond with the previous one.
 *
 * @example
 * pino({ timestamp: isoTimestamp })
 */
export function isoTimestamp(): string {
  const now = Date.now()
  if (now !== lastMs) {
    lastMs = now
    lastText = `,"time":"${new Date(now).toISOString()}"`
  }
  return lastText
}

let lastMs = -1
let lastText = ''
