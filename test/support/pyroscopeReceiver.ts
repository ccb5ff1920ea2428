import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { gunzipSync } from 'node:zlib'
import { Profile } from 'pprof-format'

/** One upload the fake Pyroscope accepted. */
export interface ReceivedProfile {
  readonly headers: IncomingHttpHeaders
  /** The application name (before `{`), which Pyroscope stores as `service_name`. */
  readonly appName: string
  /** Labels inside the braces of `name`. */
  readonly labels: Readonly<Record<string, string>>
  /** `from` / `until`, Unix seconds. */
  readonly from: number
  readonly until: number
  readonly spyName: string | undefined
  readonly sampleRate: number | undefined
  /** `multipart` (form field `profile`) or `raw` (`format=pprof`, the body is the pprof). */
  readonly encoding: 'multipart' | 'raw'
  /** The decoded pprof. */
  readonly profile: Profile
}

/** How the receiver answers a valid upload: a status, optionally after a delay; `hang` never answers. */
export type PyroscopeReply = { readonly status: number; readonly delayMs?: number } | 'hang'

/** A loopback Pyroscope `/ingest` that enforces the upload contract strictly. */
export interface PyroscopeReceiver {
  /** `http://127.0.0.1:<port>` — use as `profiling.pyroscope.url`. */
  readonly url: string
  /** Valid uploads, in arrival order (recorded before the reply, whatever the reply). */
  readonly received: ReceivedProfile[]
  /** Requests refused as contract violations, with the reason. */
  readonly violations: string[]
  /** Sets how later valid uploads are answered. Default `{ status: 200 }`. */
  reply(fn: (upload: ReceivedProfile) => PyroscopeReply): void
  /** Resolves once `n` valid uploads arrived (rejects after `timeoutMs`, default 10 s). */
  waitFor(n: number, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

const APP_NAME = /^[a-zA-Z0-9_.\-/]+$/
const LABEL_NAME = /^[a-zA-Z0-9_.]+$/

/**
 * Starts a fake Pyroscope on 127.0.0.1:0 implementing `POST /ingest` as Pyroscope's ingest handler does for pprof:
 * - `name` is required and parses as `app{k=v,…}` (Pyroscope's `labelset.Parse` character rules; no duplicate or
 *   reserved label, and no `service_name` in the braces — Pyroscope adds it from the app name);
 * - `from` and `until` are required Unix seconds with `from ≤ until`; `sampleRate`, when present, is an integer;
 * - with `format=pprof` the body itself must be a (gzipped) pprof; otherwise the body must be
 *   `multipart/form-data` with a `profile` file part holding the pprof (no `prev_profile`, which current Pyroscope
 *   refuses) — a multipart body sent with `format=pprof` is refused, as Pyroscope would fail to parse it;
 * - the pprof must decode and have at least one sample type;
 * - `requireAuth`, when set, must match the `Authorization` header exactly.
 * Violations get 400 (401 for auth) and are recorded.
 *
 * @example
 * const pyroscope = await startPyroscopeReceiver()
 * t.after(() => pyroscope.close())
 * await pyroscope.waitFor(1)
 */
export async function startPyroscopeReceiver(
  options: { requireAuth?: string } = {},
): Promise<PyroscopeReceiver> {
  const received: ReceivedProfile[] = []
  const violations: string[] = []
  const waiters: { n: number; resolve: () => void }[] = []
  const sockets = new Set<Socket>()
  const hanging = new Set<ServerResponse>()
  let replyFn: (upload: ReceivedProfile) => PyroscopeReply = () => ({ status: 200 })

  const refuse = (res: ServerResponse, status: number, reason: string) => {
    violations.push(reason)
    res.writeHead(status, { 'content-type': 'text/plain' }).end(reason)
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      void handle(req.method ?? '', req.url ?? '/', req.headers, Buffer.concat(chunks), res).catch((err) =>
        refuse(res, 500, `receiver error: ${String(err)}`),
      )
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  async function handle(
    method: string,
    rawUrl: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
    res: ServerResponse,
  ): Promise<void> {
    const url = new URL(rawUrl, 'http://receiver')
    if (method !== 'POST' || url.pathname !== '/ingest') return refuse(res, 404, `${method} ${url.pathname}`)
    if (options.requireAuth !== undefined && headers.authorization !== options.requireAuth) {
      return refuse(res, 401, 'authorization missing or wrong')
    }
    const q = url.searchParams
    const name = q.get('name')
    if (name === null) return refuse(res, 400, 'name is required')
    const parsed = parseName(name)
    if (typeof parsed === 'string') return refuse(res, 400, `name: ${parsed}`)
    const from = q.get('from')
    const until = q.get('until')
    if (from === null || until === null) return refuse(res, 400, 'from and until are required')
    if (!/^\d{9,11}$/.test(from) || !/^\d{9,11}$/.test(until))
      return refuse(res, 400, 'from/until: Unix seconds')
    if (Number(from) > Number(until)) return refuse(res, 400, 'from is after until')
    const sampleRate = q.get('sampleRate')
    if (sampleRate !== null && !/^\d+$/.test(sampleRate)) return refuse(res, 400, 'sampleRate: an integer')

    const contentType = String(headers['content-type'] ?? '')
    let pprofBytes: Buffer
    let encoding: 'multipart' | 'raw'
    if (q.get('format') === 'pprof') {
      if (contentType.includes('multipart/form-data')) {
        return refuse(
          res,
          400,
          'format=pprof reads the body as a raw pprof; a multipart body cannot be parsed',
        )
      }
      pprofBytes = body
      encoding = 'raw'
    } else if (/^multipart\/form-data;\s*boundary=/i.test(contentType)) {
      let form: FormData
      try {
        form = await new Response(body, { headers: { 'content-type': contentType } }).formData()
      } catch {
        return refuse(res, 400, 'malformed multipart body')
      }
      if (form.has('prev_profile')) return refuse(res, 400, 'prev_profile is not supported')
      const part = form.get('profile')
      if (part === null || typeof part === 'string')
        return refuse(res, 400, 'multipart field "profile" (a file) is required')
      pprofBytes = Buffer.from(await part.arrayBuffer())
      encoding = 'multipart'
    } else {
      return refuse(res, 400, `unsupported content-type "${contentType}" without format=pprof`)
    }
    let profile: Profile
    try {
      const raw = pprofBytes[0] === 0x1f && pprofBytes[1] === 0x8b ? gunzipSync(pprofBytes) : pprofBytes
      profile = Profile.decode(raw)
    } catch {
      return refuse(res, 400, 'the profile is not a pprof protobuf')
    }
    if (profile.sampleType.length === 0) return refuse(res, 400, 'the profile has no sample types')

    const upload: ReceivedProfile = {
      headers,
      appName: parsed.appName,
      labels: parsed.labels,
      from: Number(from),
      until: Number(until),
      spyName: q.get('spyName') ?? undefined,
      sampleRate: sampleRate === null ? undefined : Number(sampleRate),
      encoding,
      profile,
    }
    received.push(upload)
    for (const w of [...waiters]) {
      if (received.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
    }
    const reply = replyFn(upload)
    if (reply === 'hang') {
      hanging.add(res)
      return
    }
    const answer = () => res.writeHead(reply.status).end()
    if (reply.delayMs) setTimeout(answer, reply.delayMs).unref()
    else answer()
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    violations,
    reply(fn) {
      replyFn = fn
    },
    waitFor(n, timeoutMs = 10_000) {
      if (received.length >= n) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(`expected ${n} uploads, got ${received.length}; violations: ${violations.join('; ')}`),
          )
        }, timeoutMs)
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
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Pyroscope's `labelset.Parse`, strictly: `app{k=v,…}` (braces optional). */
function parseName(name: string): { appName: string; labels: Record<string, string> } | string {
  const open = name.indexOf('{')
  const appName = (open === -1 ? name : name.slice(0, open)).trim()
  if (!APP_NAME.test(appName)) return `invalid application name "${appName}"`
  const labels: Record<string, string> = {}
  if (open === -1) return { appName, labels }
  if (!name.endsWith('}')) return 'labels must end with "}"'
  const inner = name.slice(open + 1, -1)
  if (inner.trim() === '') return { appName, labels }
  for (const pair of inner.split(',')) {
    const eq = pair.indexOf('=')
    if (eq <= 0) return `label "${pair}" is not key=value`
    const key = pair.slice(0, eq).trim()
    const value = pair.slice(eq + 1).trim()
    if (!LABEL_NAME.test(key)) return `invalid label name "${key}"`
    if (key === '__name__') return 'label name __name__ is reserved'
    if (key === 'service_name')
      return 'service_name comes from the application name; a second one is a duplicate'
    if (key in labels) return `duplicate label "${key}"`
    if (value === '' || /[{}]/.test(value)) return `invalid value for label "${key}"`
    labels[key] = value
  }
  return { appName, labels }
}
