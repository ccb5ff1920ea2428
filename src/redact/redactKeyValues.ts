import { isSpaceCode, isWordCode } from './charCodes.ts'
import { REDACTION_MARKERS as M } from './markers.ts'
import type { ScanWork } from './scanWork.ts'

const NAME_MAX = 64
const VALUE_MAX = 4096
const LINE_END_KEYS = new Set(['cookie', 'setcookie', 'authorization', 'proxyauthorization'])
const VALUE_SCHEMES = ['bearer', 'basic', 'digest', 'token']

// `[\w.[\]-]`: a key name character.
function isNameCode(c: number): boolean {
  return isWordCode(c) || c === 46 || c === 45 || c === 91 || c === 93
}

// `[^\s"'&,;#<>]`: a character of an unquoted value.
function isBareCode(c: number): boolean {
  return !(
    c === 34 ||
    c === 39 ||
    c === 38 ||
    c === 44 ||
    c === 59 ||
    c === 35 ||
    c === 60 ||
    c === 62 ||
    isSpaceCode(c)
  )
}

/**
 * Replaces the values of sensitive `key=value`, `key: value` and `"key":"value"` pairs in `text` with
 * `[REDACTED]` (Cookie and Authorization values up to the end of the line). Keys are names of at most 64
 * characters of `[A-Za-z0-9_.[\]-]`; values are a quoted string (at most 4 096 characters, one line) or a bare
 * run of at most 4 096 characters, optionally after a `Bearer`/`Basic`/`Digest`/`Token` scheme word.
 *
 * One pass: each separator reads the name behind it (never past the previous separator) and only a sensitive
 * name reads its value, which is then skipped; a non-sensitive key costs its own characters, nothing more.
 * Returns the input itself when nothing was replaced.
 *
 * @example
 * redactKeyValues('user=7 password=hunter2', (k) => k === 'password') // 'user=7 password=[REDACTED]'
 */
export function redactKeyValues(
  text: string,
  isSensitiveKey: (key: string) => boolean,
  work?: ScanWork,
): string {
  const n = text.length
  let out = ''
  let last = 0
  // No match starts before `from` (the end of the last replaced value).
  let from = 0
  let steps = 0
  // Next `"`, `'` and newline at or after a position, found once each (positions only move forward).
  let dq = -2
  let sq = -2
  let nl = -2
  let colon = -2
  let equals = -2
  let searched = 0
  // The last non-sensitive name, so runs of one repeated key cost no slice or look-up.
  let plainName = ''
  let s = 0
  while (s < n) {
    let next: number
    const at = text.charCodeAt(s)
    if (at === 58 || at === 61) next = s
    else {
      if (colon !== -1 && colon < s) colon = text.indexOf(':', s)
      if (equals !== -1 && equals < s) equals = text.indexOf('=', s)
      next = colon === -1 ? equals : equals === -1 ? colon : Math.min(colon, equals)
      if (next === -1) {
        steps += n - Math.max(searched, s)
        break
      }
    }
    steps += next - Math.max(searched, s) + 1
    searched = next + 1
    s = next
    // Name behind the separator: `name["']?\s*` then `:` or `=`.
    let j = s - 1
    while (j >= from && isSpaceCode(text.charCodeAt(j))) j--
    if (j >= from) {
      const q = text.charCodeAt(j)
      if (q === 34 || q === 39) j--
    }
    let k = j
    while (k >= from && j - k <= NAME_MAX && isNameCode(text.charCodeAt(k))) k--
    steps += s - k
    const nameLength = j - k
    if (nameLength === 0 || nameLength > NAME_MAX || (k >= 0 && isNameCode(text.charCodeAt(k)))) {
      s++
      continue
    }
    if (nameLength === plainName.length && text.startsWith(plainName, k + 1)) {
      s++
      continue
    }
    const nameStart = k + 1
    const name = text.slice(nameStart, j + 1)
    if (!isSensitiveKey(name)) {
      plainName = name
      s++
      continue
    }
    // Value: `\s*` then "…" | '…' | [scheme\s+]bare.
    let v = s + 1
    while (v < n && isSpaceCode(text.charCodeAt(v))) v++
    steps += v - s
    let end = -1
    let quote = 0
    const first = v < n ? text.charCodeAt(v) : -1
    if (first === 34 || first === 39) {
      if (first === 34) {
        if (dq < v + 1 && dq !== -1) {
          const at = text.indexOf('"', v + 1)
          steps += (at === -1 ? n : at) - Math.max(dq, v + 1)
          dq = at
        }
      } else if (sq < v + 1 && sq !== -1) {
        const at = text.indexOf("'", v + 1)
        steps += (at === -1 ? n : at) - Math.max(sq, v + 1)
        sq = at
      }
      const close = first === 34 ? dq : sq
      if (nl < v + 1 && nl !== -1) {
        const at = text.indexOf('\n', v + 1)
        steps += (at === -1 ? n : at) - Math.max(nl, v + 1)
        nl = at
      }
      if (close !== -1 && close - (v + 1) <= VALUE_MAX && (nl === -1 || nl > close)) {
        end = close + 1
        quote = first
      }
    } else {
      let b = v
      const scheme = schemeWordAt(text, v)
      if (scheme > 0) {
        let w = v + scheme
        while (w < n && isSpaceCode(text.charCodeAt(w))) w++
        steps += w - v
        if (w > v + scheme && w < n && isBareCode(text.charCodeAt(w))) b = w
      }
      const limit = Math.min(n, b + VALUE_MAX)
      let e = b
      while (e < limit && isBareCode(text.charCodeAt(e))) e++
      steps += e - b
      if (e > b) end = e
    }
    if (end === -1) {
      s++
      continue
    }
    const sep = text.slice(j + 1, v)
    let replacement: string
    if (quote === 34) replacement = `${name}${sep}"${M.key}"`
    else if (quote === 39) replacement = `${name}${sep}'${M.key}'`
    else {
      replacement = `${name}${sep}${M.key}`
      // Cookie and Authorization values run to the end of the line (`a=1; b=2`, `Digest a="..", b=".."`).
      if (name.length >= 6 && LINE_END_KEYS.has(name.toLowerCase().replace(/[ _-]/g, ''))) {
        const at = text.indexOf('\n', end)
        steps += (at === -1 ? n : at) - end
        end = at === -1 ? n : at
      }
    }
    out += text.slice(last, nameStart) + replacement
    last = end
    from = end
    s = end
  }
  if (work !== undefined) work.steps += steps
  return last === 0 ? text : out + text.slice(last)
}

// Length of a `bearer|basic|digest|token` word (any case) at `at`, or 0.
function schemeWordAt(text: string, at: number): number {
  for (const word of VALUE_SCHEMES) {
    if (text.length - at < word.length) continue
    let i = 0
    while (i < word.length && (text.charCodeAt(at + i) | 0x20) === word.charCodeAt(i)) i++
    if (i === word.length) return i
  }
  return 0
}
