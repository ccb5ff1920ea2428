/** `.1`, `.01` … `.999` without trailing zeros, by thousandths (index 0: no fraction). */
const THOUSANDTHS = Array.from({ length: 1000 }, (_, i) =>
  i === 0 ? '' : `.${String(i).padStart(3, '0').replace(/0+$/, '')}`,
)

/**
 * A duration in seconds as milliseconds rounded to the microsecond, written as `String(ms)` writes it (`12`,
 * `0.5`, `3.017`) from integers: JavaScript's shortest decimal of `us / 1000` is exactly those digits.
 */
export function durationMs(seconds: number): string {
  const us = Math.round(seconds * 1e6)
  if (!(us >= 0 && us < 1e15)) return Number.isFinite(us) ? String(us / 1e3) : 'null'
  const whole = Math.floor(us / 1000)
  return `${whole}${THOUSANDTHS[us - whole * 1000]}`
}
