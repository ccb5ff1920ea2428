import { z } from 'zod'
import type { EnvBinding } from '../envBinding.ts'

/**
 * Redaction options: the one redactor used by logs, span attributes, error reports and alert payloads.
 *
 * @example
 * { redact: { keys: ['x-signature'], emailMode: 'mask', maxStringLength: 8192 } }
 */
export const redactSchema = z
  .object({
    /** Extra sensitive key names, added to the frozen default set. Default none. Env `LOOKOUT_REDACT_KEYS`. */
    keys: z.array(z.string().min(1).max(128)).default([]),
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
  { env: 'LOOKOUT_REDACT_EMAIL', path: 'redact.emailMode', parse: 'string' },
  { env: 'LOOKOUT_REDACT_MAX_STRING_LENGTH', path: 'redact.maxStringLength', parse: 'int' },
]
