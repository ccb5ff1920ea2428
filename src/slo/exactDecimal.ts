/** A non-negative rational number `num / den` (integers), so SLO figures can be computed and printed exactly. */
export interface Rational {
  readonly num: bigint
  readonly den: bigint
}

/**
 * The exact rational value of a decimal literal such as `14.4` or `0.001` (a number's shortest decimal form).
 *
 * @example
 * decimalRational(14.4) // { num: 144n, den: 10n }
 */
export function decimalRational(value: number): Rational {
  const [whole, fraction = ''] = String(value).split('.')
  if (/e/i.test(String(value))) throw new RangeError(`not a plain decimal: ${value}`)
  return { num: BigInt(`${whole}${fraction}`), den: 10n ** BigInt(fraction.length) }
}

/** `a · b` as a rational. */
export function multiply(a: Rational, b: Rational): Rational {
  return { num: a.num * b.num, den: a.den * b.den }
}

/** `a < b`. */
export function lessThan(a: Rational, b: Rational): boolean {
  return a.num * b.den < b.num * a.den
}

/**
 * Prints a rational as a plain decimal (never exponent notation), rounded half-up at `maxDecimals` digits with
 * trailing zeros removed: the text both Prometheus and JavaScript read as the nearest double.
 *
 * @example
 * formatRational({ num: 1n, den: 100000n }) // '0.00001'
 * formatRational({ num: 2n, den: 3n }, 4) // '0.6667'
 */
export function formatRational(value: Rational, maxDecimals = 15): string {
  const scale = 10n ** BigInt(maxDecimals)
  const scaled = (value.num * scale * 2n + value.den) / (value.den * 2n)
  const whole = scaled / scale
  const fraction = (scaled % scale).toString().padStart(maxDecimals, '0').replace(/0+$/, '')
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`
}

/**
 * A parts-per-billion integer as a plain decimal ratio.
 *
 * @example
 * formatPpb(10_000) // '0.00001'
 */
export function formatPpb(ppb: number): string {
  return formatRational({ num: BigInt(ppb), den: 1_000_000_000n })
}
