import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { OperatorIdentity } from './opsRoute.ts'

/** One configured key. */
export interface OperatorKey {
  readonly key: string
  readonly tenant: string | undefined
}

/**
 * Authenticates operator requests: `Authorization: Bearer <key>` (or `X-API-Key`). Keys are compared as
 * SHA-256 digests with `timingSafeEqual`, every key every time, so neither the match position nor the key
 * length leaks through timing. Keys are never logged or returned.
 *
 * @example
 * const auth = createOperatorAuth([{ key: 'k'.repeat(32), tenant: 'acme' }])
 * auth.authenticate({ authorization: `Bearer ${'k'.repeat(32)}` }) // { keyIndex: 0, tenant: 'acme' }
 */
export function createOperatorAuth(keys: readonly OperatorKey[]): {
  authenticate(headers: IncomingHttpHeaders): OperatorIdentity | undefined
  readonly configured: boolean
} {
  const digests = keys.map((k) => ({ digest: sha256(k.key), tenant: k.tenant }))
  return {
    configured: digests.length > 0,
    authenticate(headers) {
      const presented = extractKey(headers)
      if (presented === undefined || digests.length === 0) return undefined
      const candidate = sha256(presented)
      let found: OperatorIdentity | undefined
      for (let i = 0; i < digests.length; i++) {
        const d = digests[i]!
        if (timingSafeEqual(candidate, d.digest) && found === undefined)
          found = { keyIndex: i, tenant: d.tenant }
      }
      return found
    },
  }
}

/** The bearer token (or `X-API-Key`) from headers; `undefined` when absent or malformed. */
export function extractKey(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization
  if (typeof auth === 'string') {
    const m = /^Bearer[ ]+([^\s]{1,512})$/i.exec(auth.trim())
    return m ? m[1] : undefined
  }
  const apiKey = headers['x-api-key']
  return typeof apiKey === 'string' && apiKey.length > 0 && apiKey.length <= 512 ? apiKey : undefined
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

/**
 * Compares two secrets in constant time (by digest).
 *
 * @example
 * safeEqual(presentedToken, config.metrics.token) // boolean
 */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b))
}
