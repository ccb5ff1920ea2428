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

/** A token bucket: `perMinute` refilled, at most `burst` held. */
const bucket = (perMinute: number, burst: number) =>
  z
    .object({
      /** Tokens refilled per minute. */
      perMinute: z.number().int().min(1).max(1_000_000).default(perMinute),
      /** Bucket size: how many at once. */
      burst: z.number().int().min(1).max(1_000_000).default(burst),
    })
    .strict()
    .default({})

/**
 * Operator API keys for `/observability/*`, and the rate limits of the routes they open. Keys come from code, or
 * `LOOKOUT_OPERATOR_KEYS` as `key` or `key:tenant`, comma-separated. Each key is at least 16 characters once
 * `:tenant` is split off (on the last colon), and a tenant is a tenant id (a letter or digit, then up to 63 of
 * letters, digits, `_`, `.`, `-`). Problems name the entry by position, never its value.
 *
 * @example
 * { operator: { keys: [{ key: process.env.OPS_KEY, tenant: 'acme' }], rateLimit: { write: { perMinute: 30 } } } }
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
    /**
     * Rate limits of the operator routes. Routes that declare a limit of their own keep it; every other operator
     * route draws on its key's budget: GET routes on `read`, every other method on `write`, each budget shared by
     * all of them, so a leaked key is bounded however it spreads its calls. Requests without a valid key (missing or
     * wrong on an operator route, wrong on a public one) spend the client address's `invalidKey` allowance (IPv6:
     * its /64); an address with none left gets 429 before its key is compared, whatever key it sends. Successful
     * requests spend none of it. Over any limit: 429 with `Retry-After`.
     */
    rateLimit: z
      .object({
        /** Per key, shared by the GET routes. Default 600/min, burst 200. */
        read: bucket(600, 200),
        /** Per key, shared by the POST, PUT, PATCH and DELETE routes. Default 120/min, burst 60. */
        write: bucket(120, 60),
        /** Per client address: requests without a valid key. Default 10/min, burst 20. */
        invalidKey: bucket(10, 20),
      })
      .strict()
      .default({}),
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
