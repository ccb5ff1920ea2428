import { z } from 'zod'
import type { EnvBinding } from '../envBinding.ts'
import { secret } from '../secret.ts'

const keyEntry = z.union([
  secret(z.string().min(16, 'operator keys are at least 16 characters')),
  z
    .object({
      key: secret(z.string().min(16, 'operator keys are at least 16 characters')),
      /** Restrict the key to one tenant. */
      tenant: z.string().min(1).max(128).optional(),
    })
    .strict(),
])

/**
 * Operator API keys for `/observability/*`. From code, or `LOOKOUT_OPERATOR_KEYS` as `key` or `key:tenant`,
 * comma-separated.
 *
 * @example
 * { operator: { keys: [{ key: process.env.OPS_KEY, tenant: 'acme' }] } }
 */
export const operatorSchema = z
  .object({
    keys: z
      .array(keyEntry)
      .default([])
      .transform((entries) =>
        entries.map((e) => {
          if (typeof e !== 'string') return { key: e.key, tenant: e.tenant }
          const i = e.lastIndexOf(':')
          return i > 0 ? { key: e.slice(0, i), tenant: e.slice(i + 1) } : { key: e, tenant: undefined }
        }),
      ),
  })
  .strict()
  .default({})

export const operatorEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_OPERATOR_KEYS', path: 'operator.keys', parse: 'list' },
]
