import { z } from 'zod'
import { compileValuePatterns, MAX_VALUE_PATTERNS } from '../../redact/compileValuePatterns.ts'
import type { EnvBinding } from '../envBinding.ts'

const valuePattern = z
  .object({
    /** Marker name: `customer_id` → `[REDACTED_CUSTOMER_ID]`. */
    name: z.string(),
    /** Literal characters, classes (`[A-Z0-9]`, `\d`, `\w`) and bounded counts (`{6}`, `{2,8}`, `?`). */
    pattern: z.string(),
    /** Letters match either case. Default `false`. */
    ignoreCase: z.boolean().default(false),
  })
  .strict()

/**
 * Redaction options: the one redactor used by logs, span attributes, error reports and alert payloads.
 *
 * @example
 * { redact: { keys: ['x-signature'], patterns: [{ name: 'customer_id', pattern: 'CUST-\\d{6}' }], emailMode: 'mask' } }
 */
export const redactSchema = z
  .object({
    /** Extra sensitive key names, added to the frozen default set. Default none. Env `LOOKOUT_REDACT_KEYS`. */
    keys: z.array(z.string().min(1).max(128)).default([]),
    /**
     * Custom value patterns, each `{ name, pattern, ignoreCase? }`: a token the pattern matches becomes
     * `[REDACTED_<NAME>]` in logs, span attributes, error reports and alert payloads. Checked at start-up for a
     * shape that matches in one pass (no groups, alternation, lookaround, backreferences or unbounded counts; see
     * docs/logging.md). At most 32. Default none. Env `LOOKOUT_REDACT_PATTERNS` (JSON array).
     */
    patterns: z
      .array(valuePattern)
      .max(MAX_VALUE_PATTERNS)
      .default([])
      .superRefine((list, ctx) => {
        for (const p of compileValuePatterns(list).problems)
          ctx.addIssue({ code: 'custom', path: [p.index, p.field], message: p.reason })
      }),
    /** `redact` → `[REDACTED_EMAIL]`, `mask` → `j***@example.com`. Default `redact`. Env `LOOKOUT_REDACT_EMAIL`. */
    emailMode: z.enum(['redact', 'mask']).default('redact'),
    /** Strings longer than this are truncated. Default 16384. Env `LOOKOUT_REDACT_MAX_STRING_LENGTH`. */
    maxStringLength: z.number().int().min(64).max(10_000_000).default(16_384),
    /** Objects nested deeper than this are cut. Default 12. */
    maxDepth: z.number().int().min(1).max(100).default(12),
  })
  .strict()
  .default({})

export const redactEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_REDACT_KEYS', path: 'redact.keys', parse: 'list' },
  { env: 'LOOKOUT_REDACT_PATTERNS', path: 'redact.patterns', parse: 'json' },
  { env: 'LOOKOUT_REDACT_EMAIL', path: 'redact.emailMode', parse: 'string' },
  { env: 'LOOKOUT_REDACT_MAX_STRING_LENGTH', path: 'redact.maxStringLength', parse: 'int' },
]
