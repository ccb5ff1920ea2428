import { problem } from '../http/opsResponses.ts'
import type { OpsRequest, OpsResponse, OpsRoute } from '../http/opsRoute.ts'
import { STATUS_ROUTES } from './conventions.ts'
import type { CachedJson } from './createCachedJson.ts'
import type { StatusPage } from './createStatusPage.ts'

/** Options of {@link createStatusPublicRoutes}. */
export interface StatusPublicRoutesOptions {
  readonly status: CachedJson
  readonly incidents: CachedJson
  /** The HTML page, or `undefined` when `status.page.enabled` is false. */
  readonly page: StatusPage | undefined
  readonly pagePath: string
  readonly rateLimit: { readonly perMinute: number; readonly burst: number }
  /** Told about failures (the response says nothing about them). Must not throw. */
  readonly onError?: (error: unknown) => void
}

const UNAVAILABLE: OpsResponse = problem(
  503,
  'status_unavailable',
  'the status is not available right now; retry shortly',
  undefined,
  { 'retry-after': '5' },
)

function ifNoneMatch(req: OpsRequest): string | undefined {
  const h = req.headers['if-none-match']
  return Array.isArray(h) ? h.join(',') : h
}

/**
 * The public routes: `GET /public/status`, `GET /public/status/incidents` (from memory, ETag + 304,
 * `Cache-Control`) and the HTML page. All rate-limited per client; a failure answers a bare 503, never an
 * internal message.
 *
 * @example
 * for (const r of createStatusPublicRoutes({ status, incidents, page, pagePath: '/status', rateLimit })) lookout.addRoute(r)
 */
export function createStatusPublicRoutes(options: StatusPublicRoutesOptions): OpsRoute[] {
  const { rateLimit } = options
  const fail = (err: unknown): OpsResponse => {
    try {
      options.onError?.(err)
    } catch {
      // ignored
    }
    return UNAVAILABLE
  }
  const routes: OpsRoute[] = [
    {
      method: 'GET',
      path: STATUS_ROUTES.publicStatus,
      scope: { kind: 'public' },
      rateLimit,
      description: 'Public status: overall and per component, 30-day uptime, 90 daily bars (cached, ETag)',
      handler: function publicStatus(req) {
        return options.status.respond(ifNoneMatch(req)).catch(fail)
      },
    },
    {
      method: 'GET',
      path: STATUS_ROUTES.publicIncidents,
      scope: { kind: 'public' },
      rateLimit,
      description: 'Public incidents: open and recent, with timelines (cached, ETag)',
      handler: function publicIncidents(req) {
        return options.incidents.respond(ifNoneMatch(req)).catch(fail)
      },
    },
  ]
  const page = options.page
  if (page !== undefined) {
    routes.push({
      method: 'GET',
      path: options.pagePath,
      scope: { kind: 'public' },
      rateLimit,
      description: 'The status page (HTML; refreshes from the public API)',
      handler: async function statusPage() {
        const [status, incidents] = await Promise.all([
          options.status.current().then(
            (c) => c.body,
            () => undefined,
          ),
          options.incidents.current().then(
            (c) => c.body,
            () => undefined,
          ),
        ])
        return { status: 200, headers: page.headers, body: page.render({ status, incidents }) }
      },
    })
  }
  return routes
}
