import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifyWebhookSignature } from '../alerting/verifyWebhookSignature.ts'

/** One notification the sink accepted. */
export interface ReceivedAlert {
  readonly receivedAt: string
  /** `lookout-delivery`: stable across retries of one delivery. */
  readonly delivery: string | undefined
  /** `trigger` | `resolve` | `acknowledge`. */
  readonly action: string | undefined
  /** The webhook document (`{ version, action, status, dedupKey, tenant, alert: {...} }`). */
  readonly body: Record<string, unknown>
}

/** A running alert sink. */
export interface AlertSink {
  /** The URL to put in a webhook channel. */
  readonly url: string
  /** The signing secret the channel must use. */
  readonly secret: string
  /** A ready-made channel for `lookout.alerts.setConfig()`. */
  readonly channel: {
    readonly id: string
    readonly type: 'webhook'
    readonly url: string
    readonly secret: string
  }
  /** Notifications received so far (the last `max`). */
  readonly received: readonly ReceivedAlert[]
  /** Resolves when `count` notifications have arrived (or rejects after `timeoutMs`, default 10 s). */
  waitFor(count: number, timeoutMs?: number): Promise<readonly ReceivedAlert[]>
  /** Makes the next `n` requests fail with `status` (to exercise retries). */
  failNext(n: number, status?: number): void
  close(): Promise<void>
}

/**
 * A loopback webhook receiver for tests and demos: it verifies Lookout's HMAC signature (401 otherwise), keeps
 * what it receives in memory, and can be told to fail. Use it as an alert channel instead of a real on-call
 * tool; the Lookout under test needs `alerting.allowPrivateTargets: true`, since the sink listens on loopback.
 *
 * @example
 * import { createAlertSink } from 'lookout/testing'
 * // createLookout({ alerting: { allowPrivateTargets: true }, ... })
 * const sink = await createAlertSink()
 * await lookout.alerts.setConfig('acme', { channels: [sink.channel], routes: [{ match: {}, channels: [sink.channel.id] }] })
 * await lookout.alerts.fire({ tenant: 'acme', alertname: 'Test', severity: 'warning', summary: 'hello' })
 * const [alert] = await sink.waitFor(1)
 */
export async function createAlertSink(
  options: { secret?: string; max?: number; onAlert?: (alert: ReceivedAlert) => void } = {},
): Promise<AlertSink> {
  const secret = options.secret ?? randomBytes(24).toString('hex')
  const max = options.max ?? 1000
  const received: ReceivedAlert[] = []
  const waiters: { count: number; resolve: (r: readonly ReceivedAlert[]) => void }[] = []
  let failures = 0
  let failStatus = 503
  let total = 0

  const server = createServer(function lookoutAlertSink(req, res) {
    if (req.method !== 'POST') {
      res.writeHead(405).end()
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= 1024 * 1024) chunks.push(c)
    })
    req.on('end', () => {
      if (failures > 0) {
        failures--
        res.writeHead(failStatus).end()
        return
      }
      const raw = Buffer.concat(chunks).toString('utf8')
      if (size > 1024 * 1024 || !verifyWebhookSignature(secret, raw, req.headers['lookout-signature'])) {
        res.writeHead(401).end()
        return
      }
      let body: Record<string, unknown>
      try {
        body = JSON.parse(raw) as Record<string, unknown>
      } catch {
        res.writeHead(400).end()
        return
      }
      const header = (name: string) => {
        const v = req.headers[name]
        return typeof v === 'string' ? v : undefined
      }
      const alert: ReceivedAlert = {
        receivedAt: new Date().toISOString(),
        delivery: header('lookout-delivery'),
        action: header('lookout-action'),
        body,
      }
      received.push(alert)
      if (received.length > max) received.shift()
      total++
      try {
        options.onAlert?.(alert)
      } catch {
        // a test callback must not break the sink
      }
      for (const w of [...waiters]) {
        if (total >= w.count) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve([...received])
        }
      }
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`
  return {
    url,
    secret,
    channel: Object.freeze({ id: 'alert-sink', type: 'webhook' as const, url, secret }),
    received,
    waitFor(count, timeoutMs = 10_000) {
      if (total >= count) return Promise.resolve([...received])
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`alert sink: ${total}/${count} notifications after ${timeoutMs} ms`)),
          timeoutMs,
        )
        timer.unref()
        waiters.push({
          count,
          resolve: (r) => {
            clearTimeout(timer)
            resolve(r)
          },
        })
      })
    },
    failNext(n, status = 503) {
      failures = n
      failStatus = status
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
