import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** One request the fake Sentry ingest received. */
export interface ReceivedEnvelope {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  /** The parsed envelope header line. */
  readonly header: Record<string, unknown>
  /** Item headers with their payload bytes. */
  readonly items: readonly { readonly header: Record<string, unknown>; readonly payload: Buffer }[]
}

/** How the receiver answers one valid envelope. `hang` never answers (for timeout tests). */
export type ReceiverReply =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  | 'hang'

/** A loopback Sentry ingest that enforces the envelope contract strictly. */
export interface SentryReceiver {
  /** `http://127.0.0.1:<port>` — use as an allow-list entry's `upstream`. */
  readonly url: string
  readonly port: number
  /** Valid envelopes received, in order. */
  readonly received: ReceivedEnvelope[]
  /** Requests refused as contract violations, with the reason. */
  readonly violations: string[]
  /** TCP connections accepted so far. */
  readonly connections: number
  /** Sets how the next envelopes are answered. Default `{status: 200, body: {"id": …}}`. */
  reply(fn: (env: ReceivedEnvelope) => ReceiverReply): void
  /** Resolves once `n` envelopes have been received (rejects after `timeoutMs`, default 5 s). */
  waitFor(n: number, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

/**
 * Starts a fake Sentry ingest on 127.0.0.1:0 that accepts only `POST /api/<projectId>/envelope/` for the given
 * project ids, `Content-Type: application/x-sentry-envelope`, a header line with a `dsn` whose project id is the
 * one in the path, and items whose `length` (when given) is exact. Anything else is a 400 recorded in
 * `violations`.
 *
 * @example
 * const sentry = await startSentryReceiver({ projectIds: ['42'] })
 * t.after(() => sentry.close())
 */
export async function startSentryReceiver(options: {
  projectIds: readonly string[]
}): Promise<SentryReceiver> {
  const received: ReceivedEnvelope[] = []
  const violations: string[] = []
  const waiters: { n: number; resolve: () => void }[] = []
  const hanging = new Set<ServerResponse>()
  let connections = 0
  let replyFn: (env: ReceivedEnvelope) => ReceiverReply = () => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'a'.repeat(32) }),
  })

  const refuse = (res: ServerResponse, reason: string) => {
    violations.push(reason)
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: reason }))
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const path = req.url ?? ''
      const m = /^\/api\/(\d+)\/envelope\/$/.exec(path)
      if (req.method !== 'POST') return refuse(res, `method ${req.method}`)
      if (m === null || !options.projectIds.includes(m[1]!)) return refuse(res, `path ${path}`)
      if (req.headers['content-type'] !== 'application/x-sentry-envelope') {
        return refuse(res, `content-type ${req.headers['content-type']}`)
      }
      const parsed = parseEnvelope(body)
      if (typeof parsed === 'string') return refuse(res, parsed)
      const dsnProject = /\/(\d+)$/.exec(String(parsed.header.dsn ?? ''))?.[1]
      if (dsnProject !== m[1]) return refuse(res, `dsn project ${dsnProject} on path project ${m[1]}`)
      const env: ReceivedEnvelope = { method: req.method, path, headers: req.headers, body, ...parsed }
      received.push(env)
      for (const w of [...waiters]) {
        if (received.length >= w.n) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve()
        }
      }
      const reply = replyFn(env)
      if (reply === 'hang') {
        hanging.add(res)
        return
      }
      res.writeHead(reply.status, reply.headers ?? {}).end(reply.body ?? '')
    })
  })
  server.on('connection', () => connections++)
  const port = await listen(server)
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    violations,
    get connections() {
      return connections
    },
    reply(fn) {
      replyFn = fn
    },
    waitFor(n, timeoutMs = 5000) {
      if (received.length >= n) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`sentry receiver: ${received.length}/${n} envelopes`)),
          timeoutMs,
        )
        timer.unref()
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer)
            resolve()
          },
        })
      })
    },
    async close() {
      for (const res of hanging) res.destroy()
      await closeServer(server)
    },
  }
}

/** Parses an envelope strictly; returns a reason string when it is not valid. */
export function parseEnvelope(body: Buffer): Pick<ReceivedEnvelope, 'header' | 'items'> | string {
  let offset = body.indexOf(0x0a)
  const headerEnd = offset === -1 ? body.length : offset
  let header: unknown
  try {
    header = JSON.parse(body.subarray(0, headerEnd).toString('utf8'))
  } catch {
    return 'envelope header is not JSON'
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    return 'envelope header is not an object'
  const items: { header: Record<string, unknown>; payload: Buffer }[] = []
  offset = headerEnd + 1
  while (offset < body.length) {
    const lineEnd = body.indexOf(0x0a, offset)
    const end = lineEnd === -1 ? body.length : lineEnd
    if (end === offset) {
      offset++
      continue
    }
    let itemHeader: Record<string, unknown>
    try {
      itemHeader = JSON.parse(body.subarray(offset, end).toString('utf8'))
    } catch {
      return 'item header is not JSON'
    }
    if (typeof itemHeader.type !== 'string') return 'item header without type'
    offset = end + 1
    let payload: Buffer
    if (typeof itemHeader.length === 'number') {
      if (offset + itemHeader.length > body.length) return 'item length beyond the body'
      payload = body.subarray(offset, offset + itemHeader.length)
      offset += itemHeader.length
      if (offset < body.length && body[offset] !== 0x0a) return 'item length does not end at a newline'
      offset++
    } else {
      const next = body.indexOf(0x0a, offset)
      const pEnd = next === -1 ? body.length : next
      payload = body.subarray(offset, pEnd)
      offset = pEnd + 1
    }
    items.push({ header: itemHeader, payload })
  }
  return { header: header as Record<string, unknown>, items }
}

/** A server that must never be reached: counts connections (and answers 200 if it ever is). */
export interface DecoyServer {
  readonly url: string
  readonly port: number
  readonly host: string
  readonly connections: number
  close(): Promise<void>
}

/**
 * Starts a decoy on `host` (default 127.0.0.1; `::1` for IPv6), port 0. SSRF tests assert it saw zero
 * connections.
 *
 * @example
 * const decoy = await startDecoyServer()
 * assert.equal(decoy.connections, 0)
 */
export async function startDecoyServer(host = '127.0.0.1'): Promise<DecoyServer> {
  let connections = 0
  const sockets = new Set<Socket>()
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"decoy"}')
  })
  server.on('connection', (s: Socket) => {
    connections++
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  const port = await listen(server, host)
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    host,
    get connections() {
      return connections
    },
    async close() {
      for (const s of sockets) s.destroy()
      await closeServer(server)
    },
  }
}

function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port))
  })
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}
