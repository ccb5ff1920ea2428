import { customMarker } from './markers.ts'

/**
 * A custom value pattern: every value matching `pattern` becomes `[REDACTED_<NAME>]`.
 *
 * The pattern language is a subset of regular expressions that always matches in one pass: literal characters
 * (escape `\.` `\-` … for punctuation), classes (`[A-Z0-9_]`, ranges, `\d`, `\w`) and bounded counts (`{6}`,
 * `{2,8}`, `?`). A match is a whole token: a run of the characters the pattern uses, which the pattern matches from
 * its first to its last character.
 *
 * @example
 * { name: 'customer_id', pattern: 'CUST-\\d{6}' } // 'order of CUST-123456' → 'order of [REDACTED_CUSTOMER_ID]'
 */
export interface ValuePatternOptions {
  /** Lowercase letters, digits and `_`, starting with a letter (≤ 32); the marker is `[REDACTED_<NAME>]`. */
  readonly name: string
  /** The pattern (see above); 4 to 128 characters long once matched; at most 256 characters of source. */
  readonly pattern: string
  /** Letters match either case. Default `false`. */
  readonly ignoreCase?: boolean
}

/** One position of a compiled pattern: a character set repeated `min` to `max` times. */
export interface PatternAtom {
  /** Membership by ASCII code (1 = in the set). */
  readonly set: Uint8Array
  readonly min: number
  readonly max: number
}

/** A validated pattern, ready for {@link redactValuePattern}. */
export interface CompiledValuePattern {
  readonly name: string
  /** `[REDACTED_<NAME>]`. */
  readonly marker: string
  /** Every character any atom accepts, by ASCII code (1 = in the alphabet): the token characters. */
  readonly alphabet: Uint8Array
  readonly atoms: readonly PatternAtom[]
  readonly minLength: number
  readonly maxLength: number
  /** The longest run of single literal characters every match contains (`''` when none): a cheap pre-check. */
  readonly literal: string
}

/** Outcome of {@link compileValuePattern}: the compiled pattern, or which field is wrong and why. */
export type CompileOutcome =
  | { readonly ok: true; readonly pattern: CompiledValuePattern }
  | { readonly ok: false; readonly field: 'name' | 'pattern'; readonly reason: string }

/** Largest count of one repetition (`{n,m}`: m ≤ this). */
export const MAX_PATTERN_COUNT = 64
/** Longest value a pattern may match. */
export const MAX_PATTERN_LENGTH = 128
/** Shortest value a pattern may match: shorter ones would redact ordinary words and numbers. */
export const MIN_PATTERN_LENGTH = 4
/** Longest pattern source. */
export const MAX_PATTERN_SOURCE = 256

const NAME = /^[a-z][a-z0-9_]{0,31}$/
const WORD = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_'
const DIGITS = '0123456789'
const PUNCTUATION = /^[!-/:-@[-`{-~]$/

class PatternError extends Error {}

/**
 * Validates and compiles one {@link ValuePatternOptions}. Refused (with the reason, naming the construct and its
 * index, never the pattern text): groups, alternation, lookaround, backreferences, `.`, anchors, negated classes,
 * unbounded or nested repetition, counts above 64, non-ASCII characters, `[`/`]` (kept for markers), and a
 * variable count whose characters could also start what follows it (the one case that would need backtracking).
 * Never throws.
 *
 * @example
 * compileValuePattern({ name: 'customer_id', pattern: 'CUST-\\d{6}' }).ok // true
 * compileValuePattern({ name: 'x', pattern: '(a+)+' }) // { ok: false, field: 'pattern', reason: 'quantified group …' }
 */
export function compileValuePattern(options: ValuePatternOptions): CompileOutcome {
  if (typeof options.name !== 'string' || !NAME.test(options.name))
    return {
      ok: false,
      field: 'name',
      reason: 'expected 1 to 32 lowercase letters, digits or "_", starting with a letter',
    }
  if (typeof options.pattern !== 'string' || options.pattern.length === 0)
    return { ok: false, field: 'pattern', reason: 'expected a non-empty pattern' }
  if (options.pattern.length > MAX_PATTERN_SOURCE)
    return { ok: false, field: 'pattern', reason: `longer than ${MAX_PATTERN_SOURCE} characters` }
  try {
    const atoms = parse(options.pattern, options.ignoreCase === true)
    return { ok: true, pattern: assemble(options.name, atoms) }
  } catch (err) {
    if (err instanceof PatternError) return { ok: false, field: 'pattern', reason: err.message }
    return { ok: false, field: 'pattern', reason: 'could not be compiled' }
  }
}

interface SourceAtom extends PatternAtom {
  /** Index of the atom in the pattern source (for messages). */
  readonly at: number
  /** The single character of a one-character set, else `undefined`. */
  readonly char: string | undefined
}

function parse(src: string, ignoreCase: boolean): SourceAtom[] {
  const atoms: SourceAtom[] = []
  let i = 0
  while (i < src.length) {
    const at = i
    const c = src[i]!
    checkPrintable(src, i)
    let chars: string
    switch (c) {
      case '(':
        throw new PatternError(groupReason(src, i))
      case ')':
        throw new PatternError(`")" at index ${i}: groups are not supported`)
      case '|':
        throw new PatternError(
          `"|" at index ${i}: alternation is not supported; add one pattern per alternative (they may share a name)`,
        )
      case '.':
        throw new PatternError(
          `"." at index ${i} matches any character; use a class such as [A-Za-z0-9] (escape a literal dot as \\.)`,
        )
      case '^':
      case '$':
        throw new PatternError(
          `"${c}" at index ${i}: anchors are not supported; a pattern always matches a whole token`,
        )
      case '*':
      case '+':
      case '?':
      case '{':
        throw new PatternError(`"${c}" at index ${i} has nothing to repeat`)
      case ']':
      case '}':
        throw new PatternError(`unescaped "${c}" at index ${i}`)
      case '[': {
        const end = parseClass(src, i)
        chars = end.chars
        i = end.next
        break
      }
      case '\\': {
        chars = escapeAt(src, i, false)
        i += 2
        break
      }
      default:
        chars = c
        i++
    }
    const count = parseCount(src, i)
    i = count.next
    const set = new Uint8Array(128)
    for (const ch of chars) {
      set[ch.charCodeAt(0)] = 1
      if (ignoreCase) {
        set[ch.toLowerCase().charCodeAt(0)] = 1
        set[ch.toUpperCase().charCodeAt(0)] = 1
      }
    }
    let members = 0
    let only: string | undefined
    for (let code = 0; code < 128; code++) {
      if (set[code] === 1) {
        members++
        only = String.fromCharCode(code)
      }
    }
    if (set[91] === 1 || set[93] === 1)
      throw new PatternError(`"[" and "]" (index ${at}) are kept for redaction markers and cannot be matched`)
    atoms.push({ set, min: count.min, max: count.max, at, char: members === 1 ? only : undefined })
  }
  return atoms
}

function checkPrintable(src: string, i: number): void {
  const code = src.charCodeAt(i)
  if (code < 0x20 || code > 0x7e)
    throw new PatternError(`the character at index ${i} is not printable ASCII; patterns match ASCII values`)
}

function groupReason(src: string, i: number): string {
  if (src.startsWith('(?<=', i) || src.startsWith('(?<!', i))
    return `lookbehind at index ${i} is not supported; a pattern matches a whole token`
  if (src.startsWith('(?=', i) || src.startsWith('(?!', i))
    return `lookahead at index ${i} is not supported; a pattern matches a whole token`
  let depth = 0
  for (let j = i; j < src.length; j++) {
    if (src[j] === '\\') {
      j++
      continue
    }
    if (src[j] === '(') depth++
    else if (src[j] === ')' && --depth === 0) {
      if ('*+?{'.includes(src[j + 1] ?? ''))
        return `quantified group at index ${i}: repeating a group (such as (a+)+) can take exponential time; groups are not supported`
      break
    }
  }
  return `group at index ${i}: groups are not supported; write a sequence of characters and classes, and one pattern per alternative`
}

/** The characters of `\x` at `src[i]`; `inClass` allows `\-`-style escapes of class syntax. */
function escapeAt(src: string, i: number, inClass: boolean): string {
  const e = src[i + 1]
  if (e === undefined) throw new PatternError(`trailing "\\" at index ${i}`)
  checkPrintable(src, i + 1)
  if (e === 'd') return DIGITS
  if (e === 'w') return WORD
  if (e >= '1' && e <= '9') throw new PatternError(`backreference "\\${e}" at index ${i} is not supported`)
  if (e === 'k') throw new PatternError(`named backreference at index ${i} is not supported`)
  if (e === 'b' || e === 'B')
    throw new PatternError(
      `word boundary "\\${e}" at index ${i} is not supported; a pattern always matches a whole token`,
    )
  if (e === 'D' || e === 'W' || e === 'S' || e === 's')
    throw new PatternError(
      `"\\${e}" at index ${i} is not supported; list the characters in a class such as [A-Za-z0-9]`,
    )
  if (PUNCTUATION.test(e) || (inClass && e === ' ')) return e
  throw new PatternError(`escape "\\${e}" at index ${i} is not supported (only \\d, \\w and \\<punctuation>)`)
}

function parseClass(src: string, start: number): { chars: string; next: number } {
  let i = start + 1
  if (src[i] === '^')
    throw new PatternError(
      `negated class at index ${start} is not supported; list the characters the value is made of`,
    )
  let chars = ''
  let first = true
  while (i < src.length && (src[i] !== ']' || first)) {
    checkPrintable(src, i)
    let lo: string
    if (src[i] === '\\') {
      const e = escapeAt(src, i, true)
      i += 2
      if (e.length > 1) {
        chars += e
        first = false
        continue
      }
      lo = e
    } else {
      if (src[i] === '[') throw new PatternError(`unescaped "[" inside the class at index ${start}`)
      lo = src[i]!
      i++
    }
    first = false
    if (src[i] === '-' && i + 1 < src.length && src[i + 1] !== ']') {
      checkPrintable(src, i + 1)
      let hi = src[i + 1]!
      let width = 2
      if (hi === '\\') {
        hi = escapeAt(src, i + 1, true)
        width = 3
        if (hi.length > 1) throw new PatternError(`range ending in a class at index ${i}`)
      }
      if (hi.charCodeAt(0) < lo.charCodeAt(0)) throw new PatternError(`range out of order at index ${i - 1}`)
      for (let code = lo.charCodeAt(0); code <= hi.charCodeAt(0); code++) chars += String.fromCharCode(code)
      i += width
    } else {
      chars += lo
    }
  }
  if (i >= src.length) throw new PatternError(`unclosed class "[" at index ${start}`)
  if (chars === '') throw new PatternError(`empty class at index ${start}`)
  return { chars, next: i + 1 }
}

function parseCount(src: string, i: number): { min: number; max: number; next: number } {
  let min = 1
  let max = 1
  let next = i
  const q = src[i]
  if (q === '*' || q === '+')
    throw new PatternError(
      `unbounded repetition "${q}" at index ${i}; use a bounded count such as {1,${MAX_PATTERN_COUNT}}`,
    )
  if (q === '?') {
    min = 0
    next = i + 1
  } else if (q === '{') {
    const m = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(src.slice(i, i + 12))
    if (m === null) throw new PatternError(`malformed count at index ${i}; write {n} or {n,m}`)
    min = Number(m[1])
    if (m[2] !== undefined && m[3] === '')
      throw new PatternError(
        `unbounded repetition "{${min},}" at index ${i}; give a maximum of at most ${MAX_PATTERN_COUNT}`,
      )
    max = m[3] === undefined ? min : Number(m[3])
    if (max > MAX_PATTERN_COUNT) throw new PatternError(`count above ${MAX_PATTERN_COUNT} at index ${i}`)
    if (max < min) throw new PatternError(`count {${min},${max}} at index ${i} is out of order`)
    if (max === 0) throw new PatternError(`count of 0 at index ${i}`)
    next = i + m[0].length
  }
  const after = src[next]
  if (after === '*' || after === '+' || after === '?' || after === '{')
    throw new PatternError(
      `nested quantifier "${after}" at index ${next}: a count cannot be repeated or made lazy`,
    )
  return { min, max, next }
}

function assemble(name: string, atoms: readonly SourceAtom[]): CompiledValuePattern {
  let minLength = 0
  let maxLength = 0
  const alphabet = new Uint8Array(128)
  for (const a of atoms) {
    minLength += a.min
    maxLength += a.max
    for (let code = 0; code < 128; code++) if (a.set[code] === 1) alphabet[code] = 1
  }
  if (maxLength > MAX_PATTERN_LENGTH)
    throw new PatternError(`matches values longer than ${MAX_PATTERN_LENGTH} characters`)
  if (minLength < MIN_PATTERN_LENGTH)
    throw new PatternError(
      `matches values of fewer than ${MIN_PATTERN_LENGTH} characters, which would redact ordinary words and numbers`,
    )
  // Greedy matching is exact when a variable count never competes with what follows it for a character.
  for (let i = 0; i < atoms.length; i++) {
    const a = atoms[i]!
    if (a.min === a.max) continue
    for (let j = i + 1; j < atoms.length; j++) {
      const b = atoms[j]!
      for (let code = 0; code < 128; code++) {
        if (a.set[code] === 1 && b.set[code] === 1)
          throw new PatternError(
            `the variable count of the atom at index ${a.at} can also match the atom at index ${b.at}, so a ` +
              'match would be ambiguous; give it a fixed count or make the characters that follow it distinct',
          )
      }
      if (b.min > 0) break
    }
  }
  let literal = ''
  let run = ''
  for (const a of atoms) {
    if (a.char !== undefined && a.min === 1 && a.max === 1) {
      run += a.char
      if (run.length > literal.length) literal = run
    } else run = ''
  }
  return {
    name,
    marker: customMarker(name),
    alphabet,
    atoms: atoms.map(({ set, min, max }) => ({ set, min, max })),
    minLength,
    maxLength,
    literal: literal.slice(0, 16),
  }
}
