const UNITS: Readonly<Record<string, number>> = Object.freeze({
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
})

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/

/**
 * Reads a duration (`300ms`, `0.3s`, `5m`, `30d`, `1w`) or a plain number of seconds into seconds.
 * Returns `undefined` for anything else.
 *
 * @example
 * parseDuration('300ms') // 0.3
 * parseDuration('30d') // 2592000
 * parseDuration(0.8) // 0.8
 */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined
  const match = DURATION.exec(value.trim())
  if (match === null) return undefined
  const seconds = Number(match[1]) * UNITS[match[2]!]!
  // 0.3 * 1 is exact, 300 * 0.001 is 0.30000000000000004: keep 12 significant digits.
  return seconds > 0 ? Number(seconds.toPrecision(12)) : undefined
}

/**
 * Formats whole seconds as a Prometheus duration in the largest unit that divides them (`30d`, `6h`, `5m`).
 *
 * @example
 * formatDuration(2592000) // '30d'
 * formatDuration(5400) // '90m'
 */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`
  }
  return `${Math.round(seconds)}s`
}
