import {
  type CompiledValuePattern,
  compileValuePattern,
  type ValuePatternOptions,
} from './compileValuePattern.ts'
import { REDACTION_MARKERS } from './markers.ts'
import { redactValuePattern } from './redactValuePattern.ts'
import { createStringRedactor } from './valuePatterns.ts'

/** Most custom value patterns one redactor takes: each one is a pass over every redacted string. */
export const MAX_VALUE_PATTERNS = 32

/** What is wrong with one entry of a pattern list: its index, the field and the reason (never the value). */
export interface ValuePatternProblem {
  readonly index: number
  readonly field: 'name' | 'pattern'
  readonly reason: string
}

const builtIn = createStringRedactor({ isSensitiveKey: () => false })

/**
 * Compiles a list of custom value patterns ({@link compileValuePattern}) and checks them together: no pattern may
 * match inside a redaction marker (built-in or custom), and no custom marker may be changed by a built-in pattern,
 * so redacting redacted text changes nothing. Never throws.
 *
 * @example
 * compileValuePatterns([{ name: 'customer_id', pattern: 'CUST-\\d{6}' }]).problems // []
 */
export function compileValuePatterns(list: readonly ValuePatternOptions[]): {
  readonly patterns: readonly CompiledValuePattern[]
  readonly problems: readonly ValuePatternProblem[]
} {
  const patterns: CompiledValuePattern[] = []
  const problems: ValuePatternProblem[] = []
  if (list.length > MAX_VALUE_PATTERNS) {
    problems.push({
      index: MAX_VALUE_PATTERNS,
      field: 'pattern',
      reason: `more than ${MAX_VALUE_PATTERNS} patterns`,
    })
    return { patterns, problems }
  }
  const indexes: number[] = []
  list.forEach((options, index) => {
    const outcome = compileValuePattern(options)
    if (!outcome.ok) problems.push({ index, field: outcome.field, reason: outcome.reason })
    else if (builtIn(outcome.pattern.marker) !== outcome.pattern.marker)
      problems.push({
        index,
        field: 'name',
        reason: `its marker ${outcome.pattern.marker} would itself be redacted by a built-in pattern`,
      })
    else {
      patterns.push(outcome.pattern)
      indexes.push(index)
    }
  })
  const markers = [...Object.values(REDACTION_MARKERS), ...patterns.map((p) => p.marker)]
  patterns.forEach((pattern, i) => {
    const hit = markers.find((marker) => redactValuePattern(marker, pattern) !== marker)
    if (hit !== undefined)
      problems.push({
        index: indexes[i]!,
        field: 'pattern',
        reason: `matches inside the redaction marker ${hit}`,
      })
  })
  return { patterns, problems: problems.sort((a, b) => a.index - b.index) }
}
