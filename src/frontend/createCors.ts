import type { IncomingHttpHeaders } from 'node:http'
import type { OpsRequest, OpsResponse, OpsRoute } from '../http/opsRoute.ts'
import { PASSED_BACK_HEADERS } from './conventions.ts'

/** CORS settings of the front-end routes (`frontend.cors`). */
export interface CorsOptions {
  /** Allowed origins (`https://app.example.com`), or `*`. Empty = same-origin only. */
  readonly origins: readonly string[]
  /** Preflight cache, seconds. */
  readonly maxAgeSeconds: number
}

/** CORS for the public front-end routes: response headers, and preflight routes. */
export interface Cors {
  /** Whether any origin is allowed (when not, no preflight route is mounted and no header is added). */
  readonly enabled: boolean
  /** Adds CORS headers for an allowed `Origin` to a response. */
  apply(req: Pick<OpsRequest, 'headers'>, res: OpsResponse): OpsResponse
  /** The `OPTIONS` route answering preflights for `path` (204 for an allowed origin, 403 otherwise). */
  preflight(path: string, method: 'GET' | 'POST'): OpsRoute
}

const EXPOSED = PASSED_BACK_HEADERS.join(', ')

/**
 * Builds CORS handling once from configuration. Credentials are never allowed (no
 * `Access-Control-Allow-Credentials`): these routes take no cookies.
 *
 * @example
 * const cors = createCors({ origins: ['https://app.example.com'], maxAgeSeconds: 600 })
 * const res = cors.apply(req, json(202, { accepted: 1 }))
 */
export function createCors(options: CorsOptions): Cors {
  const any = options.origins.includes('*')
  const allowed = new Set(options.origins.filter((o) => o !== '*').map((o) => o.toLowerCase()))
  const enabled = any || allowed.size > 0

  function allowOrigin(headers: IncomingHttpHeaders): string | undefined {
    const origin = headers.origin
    if (typeof origin !== 'string' || origin === '') return undefined
    if (any) return '*'
    return allowed.has(origin.toLowerCase()) ? origin : undefined
  }

  return {
    enabled,
    apply(req, res) {
      if (!enabled) return res
      const origin = allowOrigin(req.headers)
      if (origin === undefined) return any ? res : { ...res, headers: { ...res.headers, vary: 'origin' } }
      return {
        ...res,
        headers: {
          ...res.headers,
          'access-control-allow-origin': origin,
          'access-control-expose-headers': EXPOSED,
          ...(any ? {} : { vary: 'origin' }),
        },
      }
    },
    preflight(path, method) {
      return {
        method: 'OPTIONS',
        path,
        scope: { kind: 'public' },
        bodyLimit: 1024,
        // Preflights are cheap and cached by browsers (max-age); the limit only stops floods.
        rateLimit: { perMinute: 600, burst: 150 },
        description: `CORS preflight for ${method} ${path}`,
        handler: function corsPreflight(req) {
          const origin = allowOrigin(req.headers)
          const requested = String(req.headers['access-control-request-method'] ?? '').toUpperCase()
          if (origin === undefined || (requested !== method && requested !== '')) {
            return {
              status: 403,
              headers: { 'cache-control': 'no-store', ...(any ? {} : { vary: 'origin' }) },
            }
          }
          return {
            status: 204,
            headers: {
              'access-control-allow-origin': origin,
              'access-control-allow-methods': method,
              'access-control-allow-headers': 'content-type',
              'access-control-max-age': String(options.maxAgeSeconds),
              ...(any ? {} : { vary: 'origin' }),
            },
          }
        },
      }
    },
  }
}
