/**
 * Luhn (mod 10) check over a string of digits.
 *
 * @example
 * luhnValid('4111111111111111') // true
 */
export function luhnValid(digits: string): boolean {
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48
    if (d < 0 || d > 9) return false
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

/**
 * A plausible payment card number: 13–19 digits, a known issuer prefix (Visa, Mastercard, Amex, Discover, JCB,
 * Diners, UnionPay, Maestro) and a valid Luhn check digit. The prefix check keeps ids and millisecond timestamps
 * that happen to pass Luhn from being redacted.
 *
 * @example
 * isCardNumber('5555555555554444') // true
 * isCardNumber('1714557600000123') // false (no issuer starts with 1)
 */
export function isCardNumber(digits: string): boolean {
  const n = digits.length
  if (n < 13 || n > 19) return false
  const c0 = digits.charCodeAt(0) - 48
  const two = c0 * 10 + digits.charCodeAt(1) - 48
  let ok = false
  switch (c0) {
    case 2: {
      const four = Number(digits.slice(0, 4))
      ok = n === 16 && four >= 2221 && four <= 2720
      break
    }
    case 3:
      ok =
        ((two === 34 || two === 37) && n === 15) ||
        (two === 35 && n >= 16) ||
        ((two === 36 || two === 38 || two === 30 || two === 39) && n >= 14)
      break
    case 4:
      ok = n === 13 || n === 16 || n === 19
      break
    case 5:
      ok = (two >= 51 && two <= 55 && n === 16) || two === 50 || (two >= 56 && n >= 12)
      break
    case 6:
      ok = n >= 16
      break
    default:
      ok = false
  }
  return ok && luhnValid(digits)
}
