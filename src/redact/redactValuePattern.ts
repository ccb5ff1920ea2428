import type { CompiledValuePattern, PatternAtom } from './compileValuePattern.ts'
import type { ScanWork } from './scanWork.ts'

/**
 * Replaces every token of `text` that `pattern` matches with its marker. A token is a maximal run of characters of
 * the pattern's alphabet; it is checked only when its length is within the pattern's bounds, by one greedy pass
 * (exact for compiled patterns). Each character is read at most twice, whatever the text. Returns the input itself
 * when nothing matched.
 *
 * @example
 * redactValuePattern('order CUST-123456.', compiled) // 'order [REDACTED_CUSTOMER_ID].'
 */
export function redactValuePattern(text: string, pattern: CompiledValuePattern, work?: ScanWork): string {
  if (pattern.literal !== '' && text.indexOf(pattern.literal) === -1) return text
  const { alphabet, minLength, maxLength, atoms, marker } = pattern
  const n = text.length
  let out = ''
  let last = 0
  let checked = 0
  let i = 0
  while (i < n) {
    let c = text.charCodeAt(i)
    if (c >= 128 || alphabet[c] === 0) {
      i++
      continue
    }
    const start = i
    i++
    while (i < n) {
      c = text.charCodeAt(i)
      if (c >= 128 || alphabet[c] === 0) break
      i++
    }
    const len = i - start
    if (len >= minLength && len <= maxLength) {
      checked += len
      if (matchesWhole(text, start, i, atoms)) {
        out += text.slice(last, start) + marker
        last = i
      }
    }
  }
  if (work !== undefined) work.steps += n + checked
  return last === 0 ? text : out + text.slice(last)
}

// Every character of [start, end) is in the alphabet, so below 128.
function matchesWhole(text: string, start: number, end: number, atoms: readonly PatternAtom[]): boolean {
  let pos = start
  for (const atom of atoms) {
    let k = 0
    while (k < atom.max && pos < end && atom.set[text.charCodeAt(pos)] === 1) {
      k++
      pos++
    }
    if (k < atom.min) return false
  }
  return pos === end
}
