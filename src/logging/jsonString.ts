/**
 * A string as a JSON string literal, as `JSON.stringify(s)` writes it. Short strings without control characters,
 * quotes or backslashes (most log values) are wrapped without a copy: `JSON.stringify` costs more on them.
 *
 * @example
 * jsonString('GET /users') // '"GET /users"'
 */
export function jsonString(s: string): string {
  const n = s.length
  if (n > 64) return JSON.stringify(s)
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    // Control characters, '"', '\\', and lone surrogates (0xd800–0xdfff) need JSON.stringify's escaping.
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s)
  }
  return `"${s}"`
}
