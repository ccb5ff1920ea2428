import { isWordCode } from './charCodes.ts'
import { REDACTION_MARKERS as M } from './markers.ts'
import type { ScanWork } from './scanWork.ts'

// 1 local, 2 at, 3 domain — an email (also URL-encoded %40) starting exactly at lastIndex.
const EMAIL_AT = /([\w.%+-]{1,64})(@|%40)((?:[a-z0-9-]{1,63}\.){1,8}[a-z]{2,24})(?![\w-])/iy

// `[\w.%+-]`: a character of an email's local part.
function isLocalCode(c: number): boolean {
  return isWordCode(c) || c === 46 || c === 37 || c === 43 || c === 45
}

/**
 * Replaces emails (`jane@example.com`, `jane%40example.com`) with `[REDACTED_EMAIL]`, or masks them to the
 * first letter (`j***@example.com`) when `mask` is set. A local part is 1–64 characters of `[\w.%+-]` that starts
 * after a character outside that set; the domain is 2–9 labels.
 *
 * One pass: the match is attempted once per run of local-part characters, and only when an `@` or `%40` lies
 * within its first 65 characters. Returns the input itself when nothing matched.
 *
 * @example
 * redactEmails('mail jane@example.com', false) // 'mail [REDACTED_EMAIL]'
 */
export function redactEmails(text: string, mask: boolean, work?: ScanWork): string {
  const n = text.length
  let out = ''
  let last = 0
  let steps = 0
  let at = -2
  let pct = -2
  // Start of the run of local-part characters before the last anchor, and where that anchor was.
  let prevRun = -1
  let prevAnchor = -1
  let tried = -1
  let i = 0
  while (i < n) {
    if (at !== -1 && at < i) at = text.indexOf('@', i)
    if (pct !== -1 && pct < i) pct = text.indexOf('%40', i)
    const anchor = at === -1 ? pct : pct === -1 ? at : Math.min(at, pct)
    if (anchor === -1) {
      steps += n - i
      break
    }
    steps += anchor - i + 1
    // The run of local-part characters the anchor ends or sits in; never read back past `last` or the last anchor.
    let run = anchor
    while (run > last && run > prevAnchor && anchor - run <= 64 && isLocalCode(text.charCodeAt(run - 1)))
      run--
    steps += anchor - run
    if (run === prevAnchor && run > last && isLocalCode(text.charCodeAt(run - 1))) run = prevRun
    else if (run > 0 && run === last && isLocalCode(text.charCodeAt(run - 1))) run = -1
    else if (anchor - run > 64) run = -1
    prevRun = run
    prevAnchor = anchor
    i = anchor + 1
    if (
      run === -1 ||
      (run === anchor && text.charCodeAt(anchor) === 64) ||
      run === tried ||
      anchor - run > 64
    )
      continue
    tried = run
    EMAIL_AT.lastIndex = run
    const m = EMAIL_AT.exec(text)
    steps += (m === null ? anchor + 1 : EMAIL_AT.lastIndex) - run
    if (m === null) continue
    out += text.slice(last, run) + (mask ? `${m[1]![0]}***@${m[3]!}` : M.email)
    last = EMAIL_AT.lastIndex
    // The rest of a run that a match ends inside cannot start an email.
    i = last
    while (i < n && isLocalCode(text.charCodeAt(i))) i++
    steps += i - last
  }
  if (work !== undefined) work.steps += steps
  return last === 0 ? text : out + text.slice(last)
}
