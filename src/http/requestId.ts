import { createRandomHexPool } from '../util/randomHexPool.ts'

const SAFE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/

const ids = createRandomHexPool(32)

/**
 * A new request id: 128 random bits from the CSPRNG as 32 lowercase hex characters (the shape of a W3C trace id),
 * from a {@link createRandomHexPool} batch, which is much cheaper than `crypto.randomUUID()` plus the check Node runs
 * over every response header value.
 *
 * @example
 * generateRequestId() // '4bf92f3577b34da6a3ce929d0e0e4736'
 */
export function generateRequestId(): string {
  return ids.next()
}

/**
 * The request id to use: the incoming header when it is 1–128 characters of a safe set
 * (`A-Z a-z 0-9 . _ : @ / + = -`), otherwise a new random id ({@link generateRequestId}). Multiple header
 * values use none of them.
 *
 * @example
 * resolveRequestId('abc-123') // 'abc-123'
 * resolveRequestId('<script>') // a fresh 32-hex-character id
 */
export function resolveRequestId(incoming: string | string[] | undefined): string {
  if (typeof incoming === 'string' && SAFE_ID.test(incoming)) return incoming
  return generateRequestId()
}
