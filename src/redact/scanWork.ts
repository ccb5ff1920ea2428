/**
 * Counts the characters the redactor's hand-written scanners visit (separator searches, key and value reads,
 * URL userinfo reads). Tests and `bench/micro/redaction.ts` pass one to check that the work stays proportional to
 * the input whatever its shape.
 *
 * @example
 * const work: ScanWork = { steps: 0 }
 * createStringRedactor({ isSensitiveKey, work })('a=a=a=a')
 * work.steps // a small multiple of 7
 */
export interface ScanWork {
  /** Characters visited so far (add-only). */
  steps: number
}

/**
 * Whether a UTF-16 code unit is JavaScript whitespace (what `\s` matches in a regular expression).
 *
 * @example
 * isSpaceCode(0x20) // true
 */
export function isSpaceCode(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d)
  if (c < 0xa0) return false
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  )
}
