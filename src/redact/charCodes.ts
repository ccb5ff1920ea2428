/**
 * Whether a UTF-16 code unit is an ASCII letter (`[A-Za-z]`).
 *
 * @example
 * isLetterCode(0x61) // true ('a')
 */
export function isLetterCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90)
}

/**
 * Whether a UTF-16 code unit is a word character (what `\w` matches in a regular expression: `[A-Za-z0-9_]`).
 *
 * @example
 * isWordCode(0x5f) // true ('_')
 */
export function isWordCode(c: number): boolean {
  return isLetterCode(c) || (c >= 48 && c <= 57) || c === 95
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
