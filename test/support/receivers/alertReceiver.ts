// One loopback server that speaks the four channel contracts strictly and records what it got:
//   POST /v2/enqueue                                    PagerDuty Events v2
//   POST /v2/alerts, /v2/alerts/:alias/(close|acknowledge)  Opsgenie v2 (GenieKey auth, identifierType=alias)
//   POST /webhook                                       generic webhook (HMAC signature with `webhookSecret`)
//   POST /slack/:token                                  Slack incoming webhook
// `fail(fn)` decides per request whether to answer 429/5xx (or 400) instead — to test retries.
// Like the real services, it accepts a repeat of an idempotency key (the `idempotency-key` header) again but marks it
// `repeat` and counts each key once (`delivered()`): a retry of something already accepted is dropped, not paged.
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { opsgenieCreateProblems } from './opsgenieContract.ts'
import { pagerdutyProblems } from './pagerdutyContract.ts'
import { verifyWebhookSignature } from './webhookContract.ts'

/** One request the receiver saw. */
export interface ReceivedRequest {
  readonly kind: 'pagerduty' | 'opsgenie' | 'webhook' | 'slack' | 'unknown'
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingMessage['headers']
  readonly raw: string
  readonly body: unknown
  /** What the receiver answered. */
  readonly status: number
  /** Contract problems (400s). */
  readonly problems: readonly string[]
  /** When it arrived (epoch ms). */
  readonly at: number
  /** The `idempotency-key` header, if any. */
  readonly idempotencyKey: string | undefined
  /** Accepted, and its idempotency key had been accepted before (dropped as a retry). */
  readonly repeat: boolean
}

/** An override answer: status and optional headers. */
export interface FailAnswer {
  readonly status: number
  readonly headers?: Record<string, string>
}

export interface AlertReceiver {
  readonly url: string
  readonly requests: ReceivedRequest[]
  /** Requests answered 2xx. */
  accepted(kind?: ReceivedRequest['kind']): ReceivedRequest[]
  /** Requests answered 2xx that were not repeats of an idempotency key: what a person would be paged for. */
  delivered(kind?: ReceivedRequest['kind']): ReceivedRequest[]
  /** Decides per request whether to fail it (return an answer) or process it normally (undefined). */
  fail(
    fn: ((req: { kind: ReceivedRequest['kind']; count: number }) => FailAnswer | undefined) | undefined,
  ): void
  /**
   * Decides per request whether to hold it before answering (return a promise the answer waits for) — to catch a
   * sender mid-send.
   */
  hold(
    fn: ((req: { kind: ReceivedRequest['kind']; path: string }) => Promise<void> | undefined) | undefined,
  ): void
  /** Requests being held now. */
  readonly held: number
  /** Resolves once `predicate` holds over the recorded requests (checked on each request). */
  waitFor(predicate: (r: AlertReceiver) => boolean, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export async function startAlertReceiver(options: { webhookSecret?: string } = {}): Promise<AlertReceiver> {
  const requests: ReceivedRequest[] = []
  let failFn: Parameters<AlertReceiver['fail']>[0]
  let holdFn: Parameters<AlertReceiver['hold']>[0]
  let held = 0
  const waiters = new Set<() => void>()
  let count = 0
  const acceptedKeys = new Set<string>()
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const url = new URL(req.url ?? '/', 'http://x')
    const path = url.pathname
    const holding = holdFn?.({ kind: kindOf(path), path })
    if (holding !== undefined) {
      held++
      for (const w of [...waiters]) w()
      await holding
      held--
    }
    const kind = kindOf(path)
    let body: unknown
    let status = 200
    let problems: string[] = []
    let answer: unknown = ''
    const headers: Record<string, string> = {}
    const override = failFn?.({ kind, count: count++ })
    try {
      body = raw === '' ? undefined : JSON.parse(raw)
    } catch {
      body = undefined
      problems = ['invalid JSON']
    }
    if (override !== undefined) {
      status = override.status
      Object.assign(headers, override.headers)
      answer = { status: 'error', message: 'forced failure' }
    } else if (req.method !== 'POST') {
      status = 405
    } else if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      status = 415
      problems = ['content-type must be application/json']
    } else if (problems.length > 0) {
      status = 400
    } else if (kind === 'pagerduty') {
      problems = pagerdutyProblems(body, Buffer.byteLength(raw))
      status = problems.length > 0 ? 400 : 202
      answer =
        status === 202
          ? {
              status: 'success',
              message: 'Event processed',
              dedup_key: (body as { dedup_key?: string }).dedup_key,
            }
          : { status: 'invalid event', message: 'Event object is invalid', errors: problems }
    } else if (kind === 'opsgenie') {
      const auth = String(req.headers.authorization ?? '')
      if (!/^GenieKey \S{8,}$/.test(auth)) {
        status = 401
        problems = ['Authorization: GenieKey <key> required']
      } else {
        const m = /^\/v2\/alerts(?:\/([^/]+)\/(close|acknowledge))?$/.exec(path)
        if (m === null) status = 404
        else if (m[1] === undefined) problems = opsgenieCreateProblems(body)
        else if (url.searchParams.get('identifierType') !== 'alias') {
          // Opsgenie answers 202 here and fails later; the receiver records it as a contract problem.
          problems = ['close/acknowledge without identifierType=alias']
        }
        if (status !== 404) status = problems.length > 0 ? (m?.[1] === undefined ? 422 : 202) : 202
        answer = { result: 'Request will be processed', took: 0.01, requestId: `req-${count}` }
      }
    } else if (kind === 'webhook') {
      const ok =
        options.webhookSecret !== undefined &&
        verifyWebhookSignature(
          options.webhookSecret,
          raw,
          req.headers['lookout-signature'] as string | undefined,
          Math.floor(Date.now() / 1000),
        )
      status = ok ? 200 : 401
      if (!ok) problems = ['bad signature']
    } else if (kind === 'slack') {
      const b = body as { text?: unknown; blocks?: unknown } | undefined
      const valid = b !== undefined && typeof b.text === 'string' && b.text !== '' && raw.length <= 40_000
      status = valid ? 200 : 400
      answer = valid ? 'ok' : 'invalid_payload'
      if (!valid) problems = ['text required']
    } else {
      status = 404
    }
    const keyHeader = req.headers['idempotency-key']
    const idempotencyKey = typeof keyHeader === 'string' ? `${kind}|${keyHeader}` : undefined
    const ok = status >= 200 && status < 300
    const repeat = ok && idempotencyKey !== undefined && acceptedKeys.has(idempotencyKey)
    if (ok && idempotencyKey !== undefined) acceptedKeys.add(idempotencyKey)
    requests.push({
      idempotencyKey: typeof keyHeader === 'string' ? keyHeader : undefined,
      repeat,
      kind,
      method: req.method ?? '',
      path,
      query: url.searchParams,
      headers: req.headers,
      raw,
      body,
      status,
      problems,
      at: Date.now(),
    })
    const text = typeof answer === 'string' ? answer : JSON.stringify(answer)
    res.writeHead(status, {
      'content-type': typeof answer === 'string' ? 'text/plain' : 'application/json',
      ...headers,
    })
    res.end(text)
    for (const w of [...waiters]) w()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  const receiver: AlertReceiver = {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted: (kind) =>
      requests.filter((r) => r.status >= 200 && r.status < 300 && (kind === undefined || r.kind === kind)),
    delivered: (kind) =>
      requests.filter(
        (r) => r.status >= 200 && r.status < 300 && !r.repeat && (kind === undefined || r.kind === kind),
      ),
    fail(fn) {
      failFn = fn
    },
    hold(fn) {
      holdFn = fn
    },
    get held() {
      return held
    },
    waitFor(predicate, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(receiver)) {
            waiters.delete(check)
            clearTimeout(timer)
            resolve()
          }
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(
            new Error(`receiver: condition not met within ${timeoutMs} ms (${requests.length} requests)`),
          )
        }, timeoutMs)
        waiters.add(check)
        check()
      })
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
  return receiver
}

function kindOf(path: string): ReceivedRequest['kind'] {
  if (path === '/v2/enqueue') return 'pagerduty'
  if (path.startsWith('/v2/alerts')) return 'opsgenie'
  if (path === '/webhook') return 'webhook'
  if (path.startsWith('/slack/')) return 'slack'
  return 'unknown'
}
