import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

/** One accepted log entry, flattened from a push. */
export interface ReceivedEntry {
  readonly labels: Readonly<Record<string, string>>
  /** Nanoseconds since the epoch, as sent (a string of digits). */
  readonly ts: string
  readonly line: string
  readonly metadata: Readonly<Record<string, string>> | undefined
  readonly tenant: string | undefined
}

/** How the receiver answers the next pushes. */
export type LokiMode = 'ok' | '500' | '429' | '400' | 'hang'

/** A loopback Loki push endpoint that enforces the push contract strictly. */
export interface LokiReceiver {
  /** Base URL (`http://127.0.0.1:<port>`). */
  readonly url: string
  /** Accepted entries, in arrival order. */
  readonly entries: ReceivedEntry[]
  /** Contract violations seen (a correct client produces none). */
  readonly violations: string[]
  /** Requests received per mode, e.g. `{ ok: 3, '500': 2 }`. */
  readonly requests: Record<string, number>
  /** Headers of the last request. */
  lastHeaders: IncomingMessage['headers'] | undefined
  mode: LokiMode
  /** Resolves when `predicate(entries)` holds (checked on each push), rejects after `timeoutMs`. */
  waitFor(predicate: (entries: readonly ReceivedEntry[]) => boolean, timeoutMs?: number): Promise<void>
  /** Resolves when `n` requests have arrived in total. */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/**
 * Starts the receiver on an ephemeral port.
 *
 * @example
 * const loki = await startLokiReceiver()
 * t.after(() => loki.close())
 */
export async function startLokiReceiver(): Promise<LokiReceiver> {
  const entries: ReceivedEntry[] = []
  const violations: string[] = []
  const requests: Record<string, number> = {}
  const hanging = new Set<ServerResponse>()
  let waiters: (() => void)[] = []
  let total = 0

  const notify = () => {
    const w = waiters
    waiters = []
    for (const f of w) f()
  }

  function validate(body: unknown, tenant: string | undefined): ReceivedEntry[] | string {
    if (body === null || typeof body !== 'object' || !Array.isArray((body as { streams?: unknown }).streams))
      return 'body must be {"streams":[...]}'
    const out: ReceivedEntry[] = []
    for (const s of (body as { streams: unknown[] }).streams) {
      const stream = (s as { stream?: unknown }).stream
      const values = (s as { values?: unknown }).values
      if (stream === null || typeof stream !== 'object') return 'stream labels missing'
      const labels = stream as Record<string, unknown>
      const names = Object.keys(labels)
      if (names.length === 0 || names.length > 15) return `label count ${names.length}`
      for (const n of names) {
        if (!LABEL_NAME.test(n)) return `bad label name ${n}`
        if (typeof labels[n] !== 'string' || (labels[n] as string).length === 0)
          return `label ${n} not a string`
        if (/^(request_?id|trace_?id|span_?id|user_?id)$/.test(n)) return `high-cardinality label ${n}`
      }
      if (!Array.isArray(values) || values.length === 0) return 'values must be a non-empty array'
      let prev = -1n
      for (const v of values) {
        if (!Array.isArray(v) || v.length < 2 || v.length > 3)
          return 'entry must be [ts, line] or [ts, line, metadata]'
        const [ts, line, meta] = v as [unknown, unknown, unknown]
        if (typeof ts !== 'string' || !/^\d{1,19}$/.test(ts))
          return `timestamp must be a string of nanoseconds: ${String(ts)}`
        const ns = BigInt(ts)
        const nowNs = BigInt(Date.now()) * 1_000_000n
        if (ns > nowNs + 600_000_000_000n) return 'timestamp more than 10 min in the future'
        if (ns < nowNs - 7n * 86_400_000_000_000n) return 'timestamp older than 7 days'
        if (ns < prev) return 'entries not sorted by time within a stream'
        prev = ns
        if (typeof line !== 'string') return 'line must be a string'
        if (Buffer.byteLength(line) > 256 * 1024) return 'line longer than 256 KB'
        if (meta !== undefined) {
          if (meta === null || typeof meta !== 'object' || Array.isArray(meta))
            return 'metadata must be an object'
          for (const mv of Object.values(meta))
            if (typeof mv !== 'string') return 'metadata values must be strings'
        }
        out.push({
          labels: labels as Record<string, string>,
          ts,
          line,
          metadata: meta as Record<string, string> | undefined,
          tenant,
        })
      }
    }
    return out
  }

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    total++
    receiver.lastHeaders = req.headers
    const mode = receiver.mode
    requests[mode] = (requests[mode] ?? 0) + 1
    const reject = (why: string) => {
      violations.push(why)
      res.writeHead(400, { 'content-type': 'text/plain' }).end(why)
      notify()
    }
    if (req.method !== 'POST' || req.url !== '/loki/api/v1/push') return reject(`${req.method} ${req.url}`)
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
      return reject('Content-Type must be application/json')
    if (mode === 'hang') {
      hanging.add(res)
      res.on('close', () => hanging.delete(res))
      notify()
      return
    }
    if (mode === '500' || mode === '429' || mode === '400') {
      res.writeHead(Number(mode), mode === '429' ? { 'retry-after': '0' } : {}).end('no')
      notify()
      return
    }
    let raw = Buffer.concat(chunks)
    const encoding = req.headers['content-encoding']
    if (encoding === 'gzip') {
      try {
        raw = gunzipSync(raw)
      } catch {
        return reject('Content-Encoding gzip but body is not gzip')
      }
    } else if (encoding !== undefined) return reject(`unsupported Content-Encoding ${encoding}`)
    let body: unknown
    try {
      body = JSON.parse(raw.toString('utf8'))
    } catch {
      return reject('body is not JSON')
    }
    const tenant = req.headers['x-scope-orgid'] as string | undefined
    const result = validate(body, tenant)
    if (typeof result === 'string') return reject(result)
    entries.push(...result)
    res.writeHead(204).end()
    notify()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port

  function wait(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs)
      const tick = () => {
        if (check()) {
          clearTimeout(timer)
          resolve()
        } else waiters.push(tick)
      }
      tick()
    })
  }

  const receiver: LokiReceiver = {
    url: `http://127.0.0.1:${port}`,
    entries,
    violations,
    requests,
    lastHeaders: undefined,
    mode: 'ok',
    waitFor: (predicate, timeoutMs = 10_000) => wait(() => predicate(entries), timeoutMs, 'Loki entries'),
    waitForRequests: (n, timeoutMs = 10_000) => wait(() => total >= n, timeoutMs, `${n} Loki requests`),
    async close() {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      server.close()
      await once(server, 'close').catch(() => undefined)
    },
  }
  return receiver
}
