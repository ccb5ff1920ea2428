// The generic webhook contract as a receiver verifies it (the code docs/alerting.md shows).
import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Verifies `lookout-signature: t=<unix>,v1=<hex>` over `<t>.<raw body>`; rejects timestamps more than
 * `toleranceSeconds` away from `nowSeconds` (replays).
 */
export function verifyWebhookSignature(
  secret: string,
  rawBody: string,
  header: string | undefined,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  if (header === undefined) return false
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=', 2) as [string, string]))
  const t = Number(parts.t)
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || typeof parts.v1 !== 'string')
    return false
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest()
  const given = Buffer.from(parts.v1, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}
