import { isLetterCode, isSpaceCode } from './charCodes.ts'
import { REDACTION_MARKERS as M } from './markers.ts'
import type { ScanWork } from './scanWork.ts'

const SCHEME_MAX = 21
const PASSWORD = `:${M.password}@`
const USERINFO = `${M.userinfo}@`
const PART_MAX = 256

// `[a-z0-9+.-]` (any case): a scheme character.
function isSchemeCode(c: number): boolean {
  return isLetterCode(c) || (c >= 48 && c <= 57) || c === 43 || c === 46 || c === 45
}

// `[^\s/?#@"'<>]`: a password character; a user character also excludes `:`.
function isPasswordCode(c: number): boolean {
  return !(
    c === 47 ||
    c === 63 ||
    c === 35 ||
    c === 64 ||
    c === 34 ||
    c === 39 ||
    c === 60 ||
    c === 62 ||
    isSpaceCode(c)
  )
}

/**
 * Replaces URL userinfo: `scheme://user:password@` → `scheme://user:[REDACTED_PASSWORD]@`, `scheme://user@` →
 * `scheme://[REDACTED_USERINFO]@` (an empty `scheme://@` is left as it is). A scheme is 2–21 characters of `[A-Za-z0-9+.-]` starting with a letter; user
 * and password are at most 256 characters each.
 *
 * One pass from each `://`: the scheme is read backwards (at most 21 characters), user and password forwards up to
 * the next `/`, so no character is read twice for the same `://`. Returns the input itself when nothing matched.
 *
 * @example
 * redactUrlUserinfo('postgres://app:s3cret@db:5432/app') // 'postgres://app:[REDACTED_PASSWORD]@db:5432/app'
 */
export function redactUrlUserinfo(text: string, work?: ScanWork): string {
  const n = text.length
  let out = ''
  let last = 0
  let from = 0
  let steps = 0
  let searchFrom = 0
  let c = text.indexOf('://')
  while (c !== -1) {
    steps += c - searchFrom + 3
    let r = c
    while (r > from && c - r < SCHEME_MAX && isSchemeCode(text.charCodeAt(r - 1))) r--
    let p = r
    while (p <= c - 2 && !isLetterCode(text.charCodeAt(p))) p++
    steps += c - r
    let end = -1
    let password = false
    if (p <= c - 2) {
      const userStart = c + 3
      let k = userStart
      const userLimit = Math.min(n, userStart + PART_MAX)
      while (k < userLimit) {
        const ch = text.charCodeAt(k)
        if (ch === 58 || !isPasswordCode(ch)) break
        k++
      }
      steps += k - userStart + 1
      const next = k < n ? text.charCodeAt(k) : -1
      // An empty userinfo (`https://@host`) hides nothing: left as it is.
      if (next === 64) end = k === userStart ? -1 : k + 1
      else if (next === 58) {
        let q = k + 1
        const limit = Math.min(n, q + PART_MAX)
        while (q < limit && isPasswordCode(text.charCodeAt(q))) q++
        steps += q - k
        if (q < n && text.charCodeAt(q) === 64) {
          end = q + 1
          password = true
        }
      }
      if (end !== -1) {
        out += password ? text.slice(last, k) + PASSWORD : text.slice(last, userStart) + USERINFO
        last = end
        from = end
      }
    }
    searchFrom = end === -1 ? c + 1 : end
    c = text.indexOf('://', searchFrom)
  }
  if (work !== undefined) work.steps += steps + (n - searchFrom)
  return last === 0 ? text : out + text.slice(last)
}
