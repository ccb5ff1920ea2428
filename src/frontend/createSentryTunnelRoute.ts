import { problem } from '../http/opsResponses.ts'
import type { OpsResponse, OpsRoute } from '../http/opsRoute.ts'
import type { CounterChild } from '../metrics/counterFamily.ts'
import { ENVELOPE_CONTENT_TYPES, FRONTEND_ROUTES, type TunnelOutcome } from './conventions.ts'
import type { Cors } from './createCors.ts'
import type { DsnAllowList } from './createDsnAllowList.ts'
import type { SentryForwarder } from './createSentryForwarder.ts'
import { readEnvelopeHeader } from './readEnvelopeHeader.ts'

const UPSTREAM_FAILURES: Readonly<Partial<Record<TunnelOutcome, string>>> = {
  upstream_redirect: 'the upstream answered with a redirect, which is not followed',
  upstream_timeout: 'the upstream did not answer in time',
  upstream_unreachable: 'the upstream could not be reached',
}

/** Options of {@link createSentryTunnelRoute}. */
export interface SentryTunnelOptions {
  readonly allowList: DsnAllowList
  readonly forwarder: SentryForwarder
  /** Body cap, bytes (413 above, before buffering). */
  readonly envelopeLimit: number
  /** Forwards in flight at once; more get 503 + `Retry-After: 1`. */
  readonly maxInFlight: number
  readonly rateLimit: { readonly perMinute: number; readonly burst?: number | undefined }
  readonly cors: Cors
  /** Pre-bound `lookout_sentry_tunnel_requests_total` children, one per outcome. */
  readonly count: (outcome: TunnelOutcome) => CounterChild
}

/**
 * `POST /observability/sentry/envelope`: the Sentry tunnel. Reads only the envelope header
 * line, resolves its DSN through the allow-list (which holds every upstream URL — a client's DSN is only a key),
 * and forwards the bytes untouched; the upstream status, `Retry-After` and `X-Sentry-Rate-Limits` come back.
 *
 * 400 bad envelope · 403 DSN not allowed · 413 too large · 415 content type · 429 client rate limit ·
 * 502 upstream unreachable or redirecting · 503 too many forwards · 504 upstream timeout.
 *
 * @example
 * lookout.addRoute(createSentryTunnelRoute({ allowList, forwarder, envelopeLimit: 1 << 20, maxInFlight: 64,
 *   rateLimit: { perMinute: 120 }, cors, count: (o) => tunnelRequests.labels(o) }))
 */
export function createSentryTunnelRoute(options: SentryTunnelOptions): OpsRoute {
  const { allowList, forwarder, cors, count } = options
  let inFlight = 0

  function refuse(outcome: TunnelOutcome, res: OpsResponse, req: Parameters<OpsRoute['handler']>[0]) {
    count(outcome).inc()
    return cors.apply(req, res)
  }

  return {
    method: 'POST',
    path: FRONTEND_ROUTES.sentryEnvelope,
    scope: { kind: 'public' },
    bodyLimit: options.envelopeLimit,
    rateLimit: options.rateLimit,
    description: 'Sentry envelope tunnel (allow-listed DSNs only)',
    handler: async function sentryTunnel(req) {
      const type = String(req.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim()
        .toLowerCase()
      if (!ENVELOPE_CONTENT_TYPES.has(type)) {
        return refuse(
          'unsupported_media_type',
          problem(415, 'unsupported_media_type', 'expected text/plain or application/x-sentry-envelope'),
          req,
        )
      }
      const header = readEnvelopeHeader(req.body)
      if (header === undefined) {
        return refuse(
          'invalid_envelope',
          problem(400, 'invalid_envelope', 'the first line must be a JSON envelope header with a dsn'),
          req,
        )
      }
      const url = allowList.resolve(header.dsn)
      if (url === undefined) {
        return refuse('dsn_rejected', problem(403, 'dsn_not_allowed', 'this DSN is not accepted here'), req)
      }
      if (inFlight >= options.maxInFlight) {
        return refuse(
          'overloaded',
          problem(503, 'overloaded', 'too many envelopes in flight; retry later', undefined, {
            'retry-after': '1',
          }),
          req,
        )
      }
      inFlight++
      try {
        const result = await forwarder.forward(url, req.body!)
        count(result.outcome).inc()
        const failure = UPSTREAM_FAILURES[result.outcome]
        if (failure !== undefined) return cors.apply(req, problem(result.status, result.outcome, failure))
        const headers: Record<string, string> = { 'cache-control': 'no-store', ...result.headers }
        if (result.body !== undefined) headers['content-type'] = 'application/json'
        return cors.apply(req, { status: result.status, headers, body: result.body ?? '' })
      } finally {
        inFlight--
      }
    },
  }
}
