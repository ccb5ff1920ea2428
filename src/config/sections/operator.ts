import { z } from 'zod'
import { TENANT_ID, TENANT_ID_RULE } from '../../http/tenantId.ts'
import type { EnvBinding } from '../envBinding.ts'
import { secret } from '../secret.ts'

/** Shortest accepted operator key (the part before `:tenant`). */
export const OPERATOR_KEY_MIN_LENGTH = 16

const keyEntry = z.union([
  secret(z.string()),
  z
    .object({
      key: secret(z.string()),
      /** Restrict the key to one tenant (the tenant-id grammar). */
      tenant: z.string().optional(),
    })
    .strict(),
])

/**
 * Operator API keys for `/observability/*`. From code, or `LOOKOUT_OPERATOR_KEYS` as `key` or `key:tenant`,
 * comma-separated. Each key is at least 16 characters once `:tenant` is split off (on the last colon), and a
 * tenant is a tenant id (a letter or digit, then up to 63 of letters, digits, `_`, `.`, `-`). Problems name the
 * entry by position, never its value.
 *
 * @example
 * { operator: { keys: [{ key: process.env.OPS_KEY, tenant: 'acme' }] } }
 */
export const operatorSchema = z
  .object({
    keys: z
      .array(keyEntry)
      .default([])
      .transform((entries, ctx) =>
        entries.map((entry, i) => {
          const split = typeof entry === 'string'
          const { key, tenant } = split ? splitKey(entry) : entry
          const where = `entry ${i + 1}`
          if (key.length < OPERATOR_KEY_MIN_LENGTH) {
            const part = split && tenant !== undefined ? ' (the part before the last ":")' : ''
            ctx.addIssue({
              code: 'custom',
              path: [i],
              message: `${where}: the key${part} is ${key.length} character${key.length === 1 ? '' : 's'}; operator keys are at least ${OPERATOR_KEY_MIN_LENGTH}`,
            })
          }
          if (tenant !== undefined && !TENANT_ID.test(tenant)) {
            ctx.addIssue({
              code: 'custom',
              path: [i],
              message:
                tenant === ''
                  ? `${where}: the tenant after ":" is empty; write the key alone for an unrestricted key`
                  : `${where}: the tenant is not a tenant id (${TENANT_ID_RULE})`,
            })
          }
          return { key, tenant }
        }),
      ),
  })
  .strict()
  .default({})

/** `key:tenant` split on the last colon; no colon = a key for every tenant. */
function splitKey(entry: string): { key: string; tenant: string | undefined } {
  const i = entry.lastIndexOf(':')
  return i === -1 ? { key: entry, tenant: undefined } : { key: entry.slice(0, i), tenant: entry.slice(i + 1) }
}

export const operatorEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_OPERATOR_KEYS', path: 'operator.keys', parse: 'list' },
]
