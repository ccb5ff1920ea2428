import { luhnValid } from './luhn.ts'

const PHONE_SHAPE = /^\+?[\d\s().-]+$/
const IBAN_SHAPE = /^[A-Za-z]{2}\d{2}[A-Za-z0-9]{11,30}$/

/**
 * Whether an identifier looks like personal data rather than an id: an email (`@` or `%40`), a card number (13–19
 * digits passing Luhn, separators allowed), a phone number (7–15 digits with phone punctuation only) or an IBAN
 * (country, check digits and a valid mod-97 check). Used where a client-supplied value could become a metric label.
 *
 * @example
 * looksLikePersonalData('4111111111111111') // true
 * looksLikePersonalData('acme-eu') // false
 */
export function looksLikePersonalData(value: string): boolean {
  if (value.includes('@') || value.toLowerCase().includes('%40')) return true
  if (PHONE_SHAPE.test(value)) {
    let digits = ''
    for (const ch of value) if (ch >= '0' && ch <= '9') digits += ch
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return true
    if (digits.length >= 7 && digits.length <= 15) return true
  }
  return IBAN_SHAPE.test(value) && ibanValid(value)
}

function ibanValid(value: string): boolean {
  const moved = (value.slice(4) + value.slice(0, 4)).toUpperCase()
  let remainder = 0
  for (const ch of moved) {
    const code = ch.charCodeAt(0)
    const n = code >= 65 ? code - 55 : code - 48
    remainder = n >= 10 ? (remainder * 100 + n) % 97 : (remainder * 10 + n) % 97
  }
  return remainder === 1
}
