import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Verifies Lookout's webhook signature header on the receiving side:
 * `lookout-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. Timestamps further than
 * `toleranceSeconds` (default 300) from now are refused, so a captured request cannot be replayed later. The
 * comparison is constant-time.
 *
 * @example
 * import { verifyWebhookSignature } from 'lookout'
 * if (!verifyWebhookSignature(secret, rawBody, req.headers['lookout-signature'])) return res.writeHead(401).end()
 */
export function verifyWebhookSignature(
  secret: string,
  rawBody: string,
  header: string | string[] | undefined,
  toleranceSeconds = 300,
  nowSeconds: number = Date.now() / 1000,
): boolean {
  const m = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(typeof header === 'string' ? header : '')
  if (!m) return false
  const t = Number(m[1])
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest()
  const given = Buffer.from(m[2]!, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}
