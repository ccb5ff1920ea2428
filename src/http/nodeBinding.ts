import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import type { Lookout } from '../core/lookout.ts'
import { createInFlightTracker } from './connectionState.ts'
import type { LifecycleCore } from './lifecycleCore.ts'
import type { LifecycleRequest } from './lifecycleRequest.ts'
import { problem } from './opsResponses.ts'
import type { OpsResponse } from './opsRoute.ts'
import type { OpsMatch } from './opsRouter.ts'

/**
 * Starts Lookout's lifecycle for a raw Node.js request/response pair — the part the Express and node:http
 * adapters share: start, response headers, admission (load shedding), and finish on the response's `close`
 * (which fires for completed and aborted responses alike).
 *
 * Returns the lifecycle request, or `undefined` when the request was refused by admission (the refusal has
 * been sent).
 *
 * `routeAtFinish` reads the route template off the request when the framework only knows it after routing
 * (Express); one function for every request, so nothing is allocated for it per request.
 *
 * @example
 * const req = startNodeRequest(lookout, rawReq, rawRes, undefined)
 * if (req) lookout.core.run(req, () => handler(rawReq, rawRes))
 */
export function startNodeRequest(
  lookout: Lookout,
  raw: IncomingMessage,
  res: ServerResponse,
  route: string | undefined,
  routeAtFinish?: (raw: IncomingMessage) => string | undefined,
): LifecycleRequest | undefined {
  const core = lookout.core
  const req = core.startWith(raw.method, raw.url, raw.headers, raw.socket, route)
  req.native = raw
  res.setHeader(core.requestIdHeader, req.requestId)
  const extra = req.responseHeaders
  if (extra !== undefined) for (let i = 0; i < extra.length; i += 2) res.setHeader(extra[i]!, extra[i + 1]!)
  // One shared on() listener: a once() wrapper around a per-request closure is costly per request. Its state is on
  // the connection's list, not on the response (see createInFlightTracker).
  const pending: PendingResponse = { raw: res, core, req, routeAtFinish }
  responses.track(pending, raw.socket, raw.httpVersionMajor === 2)
  res.on('close', responses.onResponseClose)
  const rejection = core.admit(req)
  if (rejection !== undefined) {
    res.statusCode = rejection.status
    for (const [name, value] of rejection.headers) res.setHeader(name, value)
    res.end(typeof rejection.body === 'string' ? rejection.body : JSON.stringify(rejection.body))
    return undefined
  }
  return req
}

/** A response in flight and what finishing it needs. */
interface PendingResponse {
  readonly raw: ServerResponse
  readonly core: LifecycleCore
  readonly req: LifecycleRequest
  readonly routeAtFinish: ((raw: IncomingMessage) => string | undefined) | undefined
}

/** Finishes the request of a closed response (completed or aborted), or of one its closed connection left. */
function finishPending(pending: PendingResponse, aborted: boolean): void {
  const { core, req, routeAtFinish, raw } = pending
  if (routeAtFinish !== undefined && req.route === '') {
    let template: string | undefined
    try {
      template = routeAtFinish(req.native as IncomingMessage)
    } catch {
      template = undefined
    }
    core.setRoute(req, template)
  }
  core.finish(req, raw.statusCode, responseLength(raw), aborted)
}

const responses = createInFlightTracker<PendingResponse>('responses', finishPending)

/**
 * The response's Content-Length: from the header store, or — when the app passed its headers straight to
 * `writeHead(status, headers)`, which bypasses the store — from the rendered header block. 0 when unknown
 * (chunked / streamed responses).
 */
export function responseLength(res: ServerResponse): number {
  const value = res.getHeader('content-length')
  if (value !== undefined) return Number(value) || 0
  const rendered = (res as { _header?: unknown })._header
  if (typeof rendered !== 'string') return 0
  const m = /\r\ncontent-length:\s*(\d+)/i.exec(rendered)
  return m ? Number(m[1]) : 0
}

/**
 * Reads a request body into a Buffer, refusing more than `limit` bytes (checked against `content-length` first,
 * then while streaming) — nothing beyond the cap is buffered.
 */
export function readBody(
  raw: IncomingMessage,
  limit: number,
): Promise<{ ok: true; body: Buffer } | { ok: false; status: 413 | 400 }> {
  const declared = raw.headers['content-length']
  if (declared !== undefined && Number(declared) > limit) {
    raw.resume()
    return Promise.resolve({ ok: false, status: 413 })
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    raw.on('data', (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > limit) {
        done = true
        raw.resume()
        resolve({ ok: false, status: 413 })
        return
      }
      chunks.push(chunk)
    })
    raw.once('end', () => {
      if (!done) {
        done = true
        resolve({ ok: true, body: Buffer.concat(chunks) })
      }
    })
    raw.once('error', () => {
      if (!done) {
        done = true
        resolve({ ok: false, status: 400 })
      }
    })
  })
}

/**
 * Serves one matched ops route on a raw request/response: reads the body (capped), runs the guarded handler,
 * writes the response. Never throws.
 *
 * @example
 * const match = router.match(req.method, path)
 * if (match) await serveOpsRoute(lookout, match, lifecycleReq, rawReq, rawRes, parsedBody)
 */
export async function serveOpsRoute(
  lookout: Lookout,
  match: OpsMatch,
  lifecycle: LifecycleRequest | undefined,
  raw: IncomingMessage,
  res: ServerResponse,
  preParsedBody?: unknown,
): Promise<void> {
  const { route } = match.mounted
  const url = raw.url ?? '/'
  const q = url.indexOf('?')
  let body: Buffer | undefined
  const method = raw.method ?? 'GET'
  if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
    if (preParsedBody !== undefined) {
      // A body parser ran before Lookout (Express): re-encode what it parsed.
      body = Buffer.isBuffer(preParsedBody)
        ? preParsedBody
        : Buffer.from(typeof preParsedBody === 'string' ? preParsedBody : JSON.stringify(preParsedBody))
      if (body.length > (route.bodyLimit ?? 65_536))
        return writeOps(
          res,
          method,
          problem(413, 'payload_too_large', 'the body is larger than this endpoint accepts'),
        )
    } else {
      const read = await readBody(raw, route.bodyLimit ?? 65_536)
      if (!read.ok) {
        return writeOps(
          res,
          method,
          read.status === 413
            ? problem(413, 'payload_too_large', 'the body is larger than this endpoint accepts')
            : problem(400, 'bad_request', 'the request body could not be read'),
        )
      }
      body = read.body
    }
  }
  const out = await match.mounted.handle({
    method,
    path: q === -1 ? url : url.slice(0, q),
    params: match.params,
    query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
    headers: raw.headers,
    body,
    clientIp: lifecycle ? lookout.core.clientIp(lifecycle) : raw.socket?.remoteAddress,
    signal: undefined,
  })
  writeOps(res, method, out)
}

/** Writes an ops response to a raw `ServerResponse` (JSON for objects, as-is for text/bytes). */
export function writeOps(res: ServerResponse, method: string, out: OpsResponse): void {
  if (res.headersSent) return
  res.statusCode = out.status
  if (out.headers) for (const [k, v] of Object.entries(out.headers)) res.setHeader(k, v)
  const body = out.body
  if (body instanceof Readable) {
    if (method === 'HEAD') {
      body.destroy()
      res.end()
      return
    }
    // pipe() waits for 'drain', so a slow client pauses the stream; a stream that fails ends the response.
    res.on('close', () => body.destroy())
    body.on('error', () => res.destroy())
    res.flushHeaders()
    body.pipe(res)
    return
  }
  let payload: string | Buffer | Uint8Array | undefined
  if (body === undefined) payload = undefined
  else if (typeof body === 'string' || Buffer.isBuffer(body) || body instanceof Uint8Array) {
    if (!res.hasHeader('content-type')) res.setHeader('content-type', 'text/plain; charset=utf-8')
    payload = body
  } else {
    if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json; charset=utf-8')
    payload = JSON.stringify(body)
  }
  if (payload !== undefined) res.setHeader('content-length', Buffer.byteLength(payload as string))
  res.end(method === 'HEAD' ? undefined : payload)
}
