import { isCardNumber } from './luhn.ts'
import { REDACTION_MARKERS as M } from './markers.ts'

const SEPARATORS = /[ -]/g

/**
 * What a number the value patterns matched becomes, by the group it matched as: an SSN is redacted; a phone
 * candidate is redacted when it holds 7–15 digits and is not a signed decimal; any other digit run only when it is a
 * card number (Luhn, separators ignored).
 *
 * @example
 * redactNumber('+1 415 555 2671', undefined, '+1 415 555 2671') // '[REDACTED_PHONE]'
 * redactNumber('+1234567.89', undefined, '+1234567.89') // '+1234567.89'
 */
export function redactNumber(m: string, ssn: string | undefined, phone: string | undefined): string {
  if (ssn !== undefined) return M.ssn
  if (phone !== undefined) {
    let digits = 0
    let dots = 0
    let others = 0
    let afterDot = 0
    for (let i = 0; i < m.length; i++) {
      const c = m.charCodeAt(i)
      if (c >= 48 && c <= 57) {
        digits++
        afterDot++
      } else if (c === 46) {
        dots++
        afterDot = 0
      } else if (c !== 43) others++
    }
    // `+1234567.89`, `+14155552671.5`: a signed decimal, not a phone (`+1.4155552671` is one, as written in
    // domain records: the only dot comes after the country code).
    if (dots === 1 && others === 0 && afterDot <= 3) return m
    return digits >= 7 && digits <= 15 ? M.phone : m
  }
  return isCardNumber(m.replace(SEPARATORS, '')) ? M.card : m
}
