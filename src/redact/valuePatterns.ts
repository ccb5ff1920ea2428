import type { CompiledValuePattern } from './compileValuePattern.ts'
import { REDACTION_MARKERS as M, truncatedSuffix } from './markers.ts'
import { redactEmails } from './redactEmails.ts'
import { redactKeyValues } from './redactKeyValues.ts'
import { redactNumber } from './redactNumber.ts'
import { redactUrlUserinfo } from './redactUrlUserinfo.ts'
import { redactValuePattern } from './redactValuePattern.ts'
import type { ScanWork } from './scanWork.ts'

/** How emails are replaced: a marker, or masked to the first letter (`j***@example.com`). */
export type EmailMode = 'redact' | 'mask'

/** Options of {@link createStringRedactor}. */
export interface StringRedactorOptions {
  /** Decides whether `key=value` / `key: value` pairs inside text are secrets. */
  readonly isSensitiveKey: (key: string) => boolean
  /** Default `redact`. */
  readonly emailMode?: EmailMode
  /** Strings longer than this are cut before scanning. Default 16 384. */
  readonly maxStringLength?: number
  /** Custom value patterns (see `compileValuePatterns`), applied before the built-in ones. Default none. */
  readonly patterns?: readonly CompiledValuePattern[]
  /** Counts the characters the hand-written scanners visit (tests and benchmarks). Default none. */
  readonly work?: ScanWork
}

// One combined alternation would try every alternative at every position (bench/micro/redaction.ts), so each
// pattern family runs only when its own cheap pre-check hits: a one-class scan for `@ : = %`, `indexOf('eyJ')`, a
// literal scan for Bearer/Basic, the AWS shape and a "7 digits with separators" scan that starts at two adjacent
// digits. A clean string is returned as is, unallocated.
// URL userinfo, key=value pairs and emails are scanned in one pass each (redactUrlUserinfo, redactKeyValues,
// redactEmails): as plain regular expressions they re-read up to 4 KB after every non-sensitive key, or tried a
// match at every local-part start. Every remaining pattern starts with a
// look-behind so it is tried only at token starts, and every quantifier is bounded.
const SPECIAL = /[@:=%]/
const BEARER_OR_BASIC = /[Bb](?:earer|EARER|asic|ASIC)/
const AWS_SHAPE = /A[SKGIRNBC][A-Z]{2}[A-Z0-9]{16}/
const DIGITS = /\d{2}(?:[ ().+-]{0,2}\d){5}/

// JWT (three base64url segments, header starting with "eyJ")
const JWT = /(?<![\w-])eyJ[\w-]{6,4096}\.[\w-]{6,8192}\.[\w-]{0,4096}/g
// Authorization-style credentials: scheme, whitespace, credential (split by hand: capture groups cost more than
// the scan on text dense with them)
const CREDENTIAL = /(?<![\w-])(?:bearer|basic)\s+[\w.~+/=-]{8,4096}/gi
// AWS access key id
const AWS_KEY =
  /(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g
// 1 SSN, 2 phone, 3 card candidate. SSN and phone shapes come first: a 4-4-4-4 card never fits them.
const NUMBERS = new RegExp(
  [
    // US SSN (area not 000/666/9xx, group not 00, serial not 0000)
    String.raw`(?<![\w.-])((?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4})(?![\w-])`,
    // phone: E.164-ish with +, NANP (415) 555-2671 / 1-415-555-2671, trunk-prefixed national 020 7946 0958, and
    // unformatted digits only where they are labelled a phone (tel:4155552671, "phone": "4155552671"). Neither
    // end may touch a letter, a digit or a joining `-`/`.`, so no part of a longer id, timestamp or amount matches.
    String.raw`(?<![\w.+-])(\+[1-9](?:[ .()-]{0,2}\d){6,14}|(?:1[ .-]?)?\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|(?:1[ .-])?\d{3}[ .-]\d{3}[ .-]\d{4}|\(0\d{1,4}\)[ .-]?\d{3,4}[ .-]?\d{3,4}|0\d{2,4}[ -]\d{3,4}[ -]\d{3,4}|(?=\d{7})(?<=(?<![a-z\d])(?:tel:|(?:tel|telephone|phone|mobile|msisdn)(?:[ _-]?(?:number|no))?["']?\s{0,2}[:=]\s{0,2}["']?))\d{7,15})(?![\w-]|\.\d)`,
    // payment card candidate (checked: issuer prefix + Luhn)
    String.raw`(?<![\w.-])([2-6]\d{3}(?:[ -]?\d){9,15})(?![\w-])`,
  ].join('|'),
  // Case-insensitive for the phone labels only: every other part is digits and punctuation.
  'gi',
)
const TOKENISH = /[\d._~+/=-]/

/**
 * Builds `redactString(text)`: replaces custom value patterns, then the built-in ones (email, phone, card, SSN, JWT, bearer/basic credentials,
 * AWS keys, URL passwords, sensitive `key=value` pairs) with markers. Returns the input itself when nothing
 * matched. Never throws.
 *
 * @example
 * const redactString = createStringRedactor({ isSensitiveKey: (k) => k === 'token' })
 * redactString('mail john@example.com, token=abc') // 'mail [REDACTED_EMAIL], token=[REDACTED]'
 */
export function createStringRedactor(options: StringRedactorOptions): (text: string) => string {
  const isSensitiveKey = options.isSensitiveKey
  const mask = options.emailMode === 'mask'
  const maxLength = options.maxStringLength ?? 16_384
  const work = options.work
  const patterns = options.patterns ?? []

  function truncate(text: string): string {
    let cut = maxLength
    // Do not leave half a token at the cut (half a card number is still a card prefix): back off to the last
    // separator within 128 characters.
    const floor = Math.max(0, cut - 128)
    while (cut > floor && !/[\s,;&]/.test(text[cut - 1]!)) cut--
    if (cut === floor) cut = maxLength
    return text.slice(0, cut) + truncatedSuffix(text.length - cut)
  }

  function credentials(text: string): string {
    CREDENTIAL.lastIndex = 0
    let out = ''
    let last = 0
    let m = CREDENTIAL.exec(text)
    while (m !== null) {
      const match = m[0]
      const basic = (match.charCodeAt(1) | 0x20) === 97
      const schemeEnd = basic ? 5 : 6
      let credStart = schemeEnd
      while (/\s/.test(match[credStart]!)) credStart++
      const cred = match.slice(credStart)
      if (TOKENISH.test(cred) || cred.length >= 24 || (basic && isBasic(cred))) {
        out += `${text.slice(last, m.index)}${match.slice(0, credStart)}${M.token}`
        last = CREDENTIAL.lastIndex
      }
      m = CREDENTIAL.exec(text)
    }
    return last === 0 ? text : out + text.slice(last)
  }

  function scan(input: string): string {
    let text = input
    // Custom patterns see the value before a built-in marker could split it; their markers hold no anchor.
    for (let i = 0; i < patterns.length; i++) text = redactValuePattern(text, patterns[i]!, work)
    if (text.length < 5) return text
    let t = text
    // Markers hold no pattern's anchor (`eyJ`, bearer/basic, `=`, `:`, `%40`, digits, key ids) and replacements
    // keep the characters around them, so each family's pre-check reads the input, never the longer output.
    const jwt = text.indexOf('eyJ') !== -1
    const credential = BEARER_OR_BASIC.test(text)
    if (SPECIAL.test(text)) {
      const hasAt = text.indexOf('@') !== -1
      if (hasAt && text.indexOf('://') !== -1) t = redactUrlUserinfo(t, work)
      if (jwt) t = t.replace(JWT, M.jwt)
      if (credential) t = credentials(t)
      if (text.indexOf('=') !== -1 || text.indexOf(':') !== -1) t = redactKeyValues(t, isSensitiveKey, work)
      if (hasAt || text.indexOf('%40') !== -1) t = redactEmails(t, mask, work)
    } else {
      if (jwt) t = t.replace(JWT, M.jwt)
      if (credential) t = credentials(t)
    }
    if (AWS_SHAPE.test(text)) t = t.replace(AWS_KEY, M.awsKey)
    if (DIGITS.test(text)) t = t.replace(NUMBERS, redactNumber as (m: string, ...a: string[]) => string)
    return t
  }

  return function redactString(text: string): string {
    try {
      return scan(text.length > maxLength ? truncate(text) : text)
    } catch {
      // Only reachable on engine limits (e.g. stack overflow inside the regex engine): fail closed.
      return M.key
    }
  }
}

function isBasic(cred: string): boolean {
  try {
    return Buffer.from(cred, 'base64').toString('latin1').includes(':')
  } catch {
    return false
  }
}
