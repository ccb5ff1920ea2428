/** pino's numeric levels by name (`silent` is above everything). */
export const LEVEL_VALUES: Readonly<Record<string, number>> = Object.freeze({
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
})

/**
 * The lower (more verbose) of two level names.
 *
 * @example
 * lowerLevel('info', 'debug') // 'debug'
 */
export function lowerLevel(a: string, b: string): string {
  return (LEVEL_VALUES[a] ?? 30) <= (LEVEL_VALUES[b] ?? 30) ? a : b
}
