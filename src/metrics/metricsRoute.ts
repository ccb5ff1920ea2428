import { Readable } from 'node:stream'
import type { ResolvedConfig } from '../config/schema.ts'
import { createIpMatcher } from '../http/cidr.ts'
import { extractKey, safeEqual } from '../http/operatorAuth.ts'
import { problem } from '../http/opsResponses.ts'
import type { OpsRequest, OpsResponse, OpsRoute } from '../http/opsRoute.ts'
import { LOOKOUT_METRIC_NAMES } from './conventions.ts'
import type { ExpositionFormat } from './metricFamily.ts'
import { CONTENT_TYPES, type MetricRegistry } from './metricRegistry.ts'

/**
 * The exposition format a scraper asked for: OpenMetrics only when `Accept` names
 * `application/openmetrics-text`, otherwise Prometheus text 0.0.4.
 *
 * @example
 * negotiateFormat('application/openmetrics-text; version=1.0.0,text/plain;q=0.5') // 'openmetrics'
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (accept === undefined) return 'prometheus'
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase())
    if (type !== 'application/openmetrics-text') continue
    const q = params.find((p) => p.startsWith('q='))
    if (q !== undefined && Number(q.slice(2)) === 0) continue
    return 'openmetrics'
  }
  return 'prometheus'
}

/**
 * Builds the scrape handler with its protection: IP/CIDR allow-list (403) and bearer token compared in constant
 * time (401). Neither refusal logs or echoes the token. Denials are counted in
 * `lookout_metrics_scrape_denied_total{reason}`.
 *
 * The exposition is a stream rendered as the client reads it (see {@link MetricRegistry.exposeChunks}): a slow
 * client pauses the rendering, a client that goes away (the stream destroyed) stops it. Concurrent scrapes each
 * render their own stream. `lookout_metrics_scrape_duration_seconds` is observed when a stream has been rendered to
 * its end, so it includes the time the client took to accept the text. HEAD answers the headers without rendering.
 *
 * @example
 * const scrape = createScrapeHandler(config, registry)
 * const res = await scrape({ method: 'GET', headers, clientIp: '127.0.0.1' })
 */
export function createScrapeHandler(
  config: ResolvedConfig,
  registry: MetricRegistry,
): (req: Pick<OpsRequest, 'method' | 'headers' | 'clientIp'>) => Promise<OpsResponse> {
  const allow = config.metrics.allow === undefined ? undefined : createIpMatcher(config.metrics.allow)
  const token = config.metrics.token
  const denied = registry.counter({
    name: LOOKOUT_METRIC_NAMES.scrapeDenied,
    help: 'Scrapes of /metrics refused',
    labelNames: ['reason'],
  })
  const duration = registry
    .histogram({
      name: LOOKOUT_METRIC_NAMES.scrapeDuration,
      help: 'Time to render the metrics exposition',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    })
    .labels()
  async function* timed(format: ExpositionFormat): AsyncGenerator<string, void, void> {
    const start = performance.now()
    yield* registry.exposeChunks(format)
    duration.observe((performance.now() - start) / 1000)
  }
  return async function scrapeMetrics(req) {
    if (allow !== undefined && !allow.matches(req.clientIp)) {
      denied.labels('ip').inc()
      return problem(403, 'forbidden', 'this address may not scrape metrics')
    }
    if (token !== undefined) {
      const presented = extractKey(req.headers)
      if (presented === undefined || !safeEqual(presented, token)) {
        denied.labels('token').inc()
        return problem(401, 'unauthorized', 'a valid bearer token is required', undefined, {
          'www-authenticate': 'Bearer realm="metrics"',
        })
      }
    }
    const accept = req.headers.accept
    const format = negotiateFormat(Array.isArray(accept) ? accept.join(',') : accept)
    const headers = { 'content-type': CONTENT_TYPES[format], 'cache-control': 'no-store' }
    if (req.method === 'HEAD') return { status: 200, headers }
    // One chunk fills the stream's buffer, so rendering runs at most a chunk ahead of the socket.
    const body = Readable.from(timed(format), { objectMode: false, highWaterMark: STREAM_BUFFER_BYTES })
    return { status: 200, headers, body }
  }
}

const STREAM_BUFFER_BYTES = 64 * 1024

/**
 * The `/metrics` ops route (mounted on the app port unless `metrics.port` is set).
 *
 * @example
 * lookout.routes // includes { method: 'GET', path: '/metrics', scope: { kind: 'public' }, … } by default
 */
export function createMetricsRoute(config: ResolvedConfig, registry: MetricRegistry): OpsRoute {
  const scrape = createScrapeHandler(config, registry)
  return {
    method: 'GET',
    path: config.metrics.path,
    scope: { kind: 'public', guard: 'scrape token and IP allow-list, when configured' },
    description: 'Prometheus / OpenMetrics exposition (token / IP protected when configured)',
    handler: scrape,
  }
}
