import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One alert notification the sink accepted. */
export interface ReceivedAlert {
  readonly receivedAt: string
  readonly delivery: string | undefined
  readonly body: unknown
}

/**
 * Verifies Lookout's webhook signature: `lookout-signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`,
 * refusing timestamps more than `toleranceSeconds` away (replays).
 *
 * @example
 * verifySignature(secret, rawBody, req.headers['lookout-signature'])
 */
export function verifySignature(
  secret: string,
  rawBody: string,
  header: string | undefined,
  toleranceSeconds = 300,
): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '')
  if (!m) return false
  const t = Number(m[1])
  if (Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest()
  const given = Buffer.from(m[2]!, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/**
 * The demo's local alert sink: a loopback webhook receiver that checks the signature, keeps the last 100
 * notifications in memory and prints one line per alert, so `npm start` shows alert routing end to end without
 * PagerDuty or Opsgenie.
 *
 * @example
 * const sink = await startWebhookSink(secret)
 * await lookout.alerts.setConfig('acme', { channels: [{ id: 'sink', type: 'webhook', url: sink.url, secret }], … })
 */
export async function startWebhookSink(
  secret: string,
  onAlert: (alert: ReceivedAlert) => void = () => {},
): Promise<{ url: string; received: readonly ReceivedAlert[]; close(): Promise<void> }> {
  const received: ReceivedAlert[] = []
  const server = createServer(function demoWebhookSink(req, res) {
    if (req.method !== 'POST') {
      res.writeHead(405).end()
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= 512 * 1024) chunks.push(c)
    })
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const signature = req.headers['lookout-signature']
      if (
        size > 512 * 1024 ||
        !verifySignature(secret, raw, typeof signature === 'string' ? signature : undefined)
      ) {
        res.writeHead(401).end()
        return
      }
      let body: unknown
      try {
        body = JSON.parse(raw)
      } catch {
        res.writeHead(400).end()
        return
      }
      const delivery = req.headers['lookout-delivery']
      const alert = {
        receivedAt: new Date().toISOString(),
        delivery: typeof delivery === 'string' ? delivery : undefined,
        body,
      }
      received.push(alert)
      if (received.length > 100) received.shift()
      onAlert(alert)
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
