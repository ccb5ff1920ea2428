import { createHash } from 'node:crypto'
import type { OpsRoute } from '../http/opsRoute.ts'
import { FRONTEND_ROUTES } from './conventions.ts'
import type { Cors } from './createCors.ts'

/** What `GET /observability/sentry/config` returns: the options to pass to `Sentry.init` in a browser. */
export interface SentryBrowserConfig {
  readonly dsn: string
  readonly environment: string
  readonly release?: string
  readonly tracesSampleRate: number
  readonly replaysSessionSampleRate: number
  readonly replaysOnErrorSampleRate: number
  /** Path of the tunnel, when it is mounted. */
  readonly tunnel?: string
}

/**
 * `GET /observability/sentry/config`: the public browser config, computed once, cacheable (`Cache-Control:
 * public, max-age=N` and a strong `ETag`; `If-None-Match` → 304). Contains only public values.
 *
 * @example
 * lookout.addRoute(createSentryConfigRoute(
 *   { dsn: 'https://abc@o1.ingest.sentry.io/42', environment: 'production', tracesSampleRate: 0.1,
 *     replaysSessionSampleRate: 0, replaysOnErrorSampleRate: 1, tunnel: '/observability/sentry/envelope' },
 *   { maxAgeSeconds: 300, cors },
 * ))
 */
export function createSentryConfigRoute(
  config: SentryBrowserConfig,
  options: { readonly maxAgeSeconds: number; readonly cors: Cors },
): OpsRoute {
  const body = JSON.stringify(config)
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': `public, max-age=${options.maxAgeSeconds}`,
    etag,
  }
  return {
    method: 'GET',
    path: FRONTEND_ROUTES.sentryConfig,
    scope: { kind: 'public' },
    // Browsers cache the answer (max-age + ETag); the limit only stops floods.
    rateLimit: { perMinute: 600, burst: 150 },
    description: 'Public Sentry config for browser apps (DSN, environment, release, sample rates, tunnel)',
    handler: function sentryConfig(req) {
      const match = req.headers['if-none-match']
      if (typeof match === 'string' && match.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
        return options.cors.apply(req, {
          status: 304,
          headers: { 'cache-control': headers['cache-control'], etag },
        })
      }
      return options.cors.apply(req, { status: 200, headers, body })
    },
  }
}
