// The string redactor as regular expressions only (URL userinfo and key=value pairs included): slow on
// adversarial input, kept as the reference the one-pass scanners must agree with (an empty userinfo, which hides
// nothing, is left as it is).
import { REDACTION_MARKERS as M, truncatedSuffix } from '../../../src/redact/markers.ts'
import { redactNumber } from '../../../src/redact/redactNumber.ts'

type EmailMode = 'redact' | 'mask'

/** Options of {@link createStringRedactor}. */
interface StringRedactorOptions {
  /** Decides whether `key=value` / `key: value` pairs inside text are secrets. */
  readonly isSensitiveKey: (key: string) => boolean
  /** Default `redact`. */
  readonly emailMode?: EmailMode
  /** Strings longer than this are cut before scanning. Default 16 384. */
  readonly maxStringLength?: number
}

// Measured (bench/micro/redaction.ts, 2-core VM): one combined 9-way alternation cost ~4 µs on a 111-char user
// agent because irregexp tries every alternative at every position. Instead each pattern family runs only when its
// own pre-check hits: a one-class scan for `@ : = %` (~90 ns on that user agent), `indexOf('eyJ')`, a literal scan
// for Bearer/Basic (~40 ns), the AWS shape (~50 ns) and a "7 digits with separators" scan that starts at two
// adjacent digits (~210 ns; starting at one digit cost ~390 ns). A clean string is returned as is, unallocated.
// Every pattern starts with a look-behind so it is tried only at token starts (no quadratic re-scans of long
// words) and every quantifier is bounded.
const SPECIAL = /[@:=%]/
const BEARER_OR_BASIC = /[Bb](?:earer|EARER|asic|ASIC)/
const AWS_SHAPE = /A[SKGIRNBC][A-Z]{2}[A-Z0-9]{16}/
const DIGITS = /\d{2}(?:[ ().+-]{0,2}\d){5}/

// 1 scheme, 2 user, 3 password — URL userinfo
const URL_USERINFO = /([a-z][a-z0-9+.-]{1,20}:\/\/)([^\s/?#@:"'<>]{0,256})(?::([^\s/?#@"'<>]{0,256}))?@/gi
// JWT (three base64url segments, header starting with "eyJ")
const JWT = /(?<![\w-])eyJ[\w-]{6,4096}\.[\w-]{6,8192}\.[\w-]{0,4096}/g
// 1 scheme, 2 space, 3 credential — Authorization-style credentials
const CREDENTIAL = /(?<![\w-])(bearer|basic)(\s+)([\w.~+/=-]{8,4096})/gi
// 1 name, 2 separator, 3 "value", 4 'value', 5 bare value — key=value / key: value / "key":"value"
const KEY_VALUE =
  /(?<![\w.[\]-])([\w.[\]-]{1,64})(["']?\s*[:=]\s*)(?:"([^"\n]{0,4096})"|'([^'\n]{0,4096})'|((?:(?:bearer|basic|digest|token)\s+)?[^\s"'&,;#<>]{1,4096}))/gi
// AWS access key id
const AWS_KEY =
  /(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g
// 1 local, 2 at, 3 domain — email (also URL-encoded %40)
const EMAIL = /(?<![\w.%+-])([\w.%+-]{1,64})(@|%40)((?:[a-z0-9-]{1,63}\.){1,8}[a-z]{2,24})(?![\w-])/gi
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
  'gi',
)
const TOKENISH = /[\d._~+/=-]/
const LINE_END_KEYS = new Set(['cookie', 'setcookie', 'authorization', 'proxyauthorization'])
const SEPARATORS = /[ -]/g

/**
 * Builds `redactString(text)`: replaces value patterns (email, phone, card, SSN, JWT, bearer/basic credentials,
 * AWS keys, URL passwords, sensitive `key=value` pairs) with markers. Returns the input itself when nothing
 * matched. Never throws.
 *
 * @example
 * const redactString = createStringRedactor({ isSensitiveKey: (k) => k === 'token' })
 * redactString('mail john@example.com, token=abc') // 'mail [REDACTED_EMAIL], token=[REDACTED]'
 */
export function createRegexStringRedactor(options: StringRedactorOptions): (text: string) => string {
  const isSensitiveKey = options.isSensitiveKey
  const mask = options.emailMode === 'mask'
  const maxLength = options.maxStringLength ?? 16_384

  function truncate(text: string): string {
    let cut = maxLength
    // Do not leave half a token at the cut (half a card number is still a card prefix): back off to the last
    // separator within 128 characters.
    const floor = Math.max(0, cut - 128)
    while (cut > floor && !/[\s,;&]/.test(text[cut - 1]!)) cut--
    if (cut === floor) cut = maxLength
    return text.slice(0, cut) + truncatedSuffix(text.length - cut)
  }

  function onUserinfo(m: string, scheme: string, user: string, password: string | undefined): string {
    if (user === '' && password === undefined) return m
    return password !== undefined ? `${scheme}${user}:${M.password}@` : `${scheme}${M.userinfo}@`
  }
  function onCredential(m: string, scheme: string, space: string, cred: string): string {
    if (TOKENISH.test(cred) || cred.length >= 24 || (scheme.toLowerCase() === 'basic' && isBasic(cred))) {
      return `${scheme}${space}${M.token}`
    }
    return m
  }
  function onEmail(_m: string, local: string, _at: string, domain: string): string {
    return mask ? `${local[0]}***@${domain}` : M.email
  }

  function keyValues(text: string): string {
    KEY_VALUE.lastIndex = 0
    let m = KEY_VALUE.exec(text)
    if (m === null) return text
    let out = ''
    let last = 0
    while (m !== null) {
      const name = m[1]!
      const sep = m[2]!
      const start = m.index
      if (isSensitiveKey(name)) {
        let end = start + m[0].length
        let replacement: string
        if (m[3] !== undefined) replacement = `${name}${sep}"${M.key}"`
        else if (m[4] !== undefined) replacement = `${name}${sep}'${M.key}'`
        else {
          replacement = `${name}${sep}${M.key}`
          // Cookie and Authorization values run to the end of the line (`a=1; b=2`, `Digest a="..", b=".."`).
          if (LINE_END_KEYS.has(name.toLowerCase().replace(SEPARATORS, '').replace(/_/g, ''))) {
            const nl = text.indexOf('\n', end)
            end = nl === -1 ? text.length : nl
          }
        }
        out += text.slice(last, start) + replacement
        last = end
        KEY_VALUE.lastIndex = end
      } else {
        // Not a secret: keep going right after the separator (the value may itself hold `name=value`).
        KEY_VALUE.lastIndex = start + name.length + sep.length
      }
      m = KEY_VALUE.exec(text)
    }
    return last === 0 ? text : out + text.slice(last)
  }

  function scan(text: string): string {
    if (text.length < 5) return text
    let t = text
    if (SPECIAL.test(t)) {
      const hasAt = t.indexOf('@') !== -1
      if (hasAt && t.indexOf('://') !== -1) t = t.replace(URL_USERINFO, onUserinfo)
      if (t.indexOf('eyJ') !== -1) t = t.replace(JWT, M.jwt)
      if (BEARER_OR_BASIC.test(t)) t = t.replace(CREDENTIAL, onCredential)
      if (t.indexOf('=') !== -1 || t.indexOf(':') !== -1) t = keyValues(t)
      if (hasAt || t.indexOf('%40') !== -1) t = t.replace(EMAIL, onEmail)
    } else {
      if (t.indexOf('eyJ') !== -1) t = t.replace(JWT, M.jwt)
      if (BEARER_OR_BASIC.test(t)) t = t.replace(CREDENTIAL, onCredential)
    }
    if (AWS_SHAPE.test(t)) t = t.replace(AWS_KEY, M.awsKey)
    if (DIGITS.test(t)) t = t.replace(NUMBERS, redactNumber as (m: string, ...a: string[]) => string)
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
