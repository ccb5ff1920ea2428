import type { LookoutHost } from '../core/lookoutHost.ts'
import { frontendConfigError } from '../errors.ts'
import { bindChildren } from '../metrics/bindChildren.ts'
import type { CounterChild } from '../metrics/counterFamily.ts'
import { createOutboundGuard } from '../outbound/createOutboundGuard.ts'
import {
  EVENT_REJECT_REASONS,
  FRONTEND_LABELS,
  FRONTEND_METRIC_NAMES,
  FRONTEND_ROUTES,
  REPORT_FORWARD_OUTCOMES,
  TUNNEL_OUTCOMES,
} from './conventions.ts'
import { createCors } from './createCors.ts'
import { createDsnAllowList } from './createDsnAllowList.ts'
import { createEventCatalog } from './createEventCatalog.ts'
import { createPublicEventsRoute } from './createPublicEventsRoute.ts'
import { createReportForwarder, type ReportForwarder } from './createReportForwarder.ts'
import { createSentryConfigRoute, type SentryBrowserConfig } from './createSentryConfigRoute.ts'
import { createSentryForwarder } from './createSentryForwarder.ts'
import { createSentryReportRoute } from './createSentryReportRoute.ts'
import { createSentryTunnelRoute } from './createSentryTunnelRoute.ts'
import type { FrontendRedactor } from './frontendRedactor.ts'
import { parseDsn } from './parseDsn.ts'

/** The front-end area's public API (`lookout.frontend`). */
export interface FrontendApi {
  /** The browser Sentry config (what `GET /observability/sentry/config` serves), or `undefined` without a DSN. */
  readonly sentryConfig: SentryBrowserConfig | undefined
  /** Paths of the mounted front-end routes (POST routes, plus the config GET). */
  readonly paths: readonly string[]
  /** Resolves when every report forward in flight has finished (tests, shutdown). */
  idle(): Promise<void>
}

/** What the front-end area needs from other areas. */
export interface FrontendDeps {
  /** The instance's redactor, for reports and event properties. */
  readonly redactor: FrontendRedactor
}

/**
 * Installs the front-end area from `config.frontend`: each route is mounted only when configured — the config
 * route when `sentry.dsn` is set, the tunnel when the allow-list (with `dsn`) is non-empty, the report route when
 * `report.enabled`, the events route when the catalog is non-empty — plus CORS preflights when origins are set.
 * Misconfiguration throws `LOOKOUT_ERR_FRONTEND_CONFIG` here, at start-up.
 *
 * @example
 * const frontend = installFrontend(host, { redactor })
 * frontend.paths // ['/observability/sentry/config', '/observability/sentry/envelope', …]
 */
export function installFrontend(lookout: LookoutHost, { redactor }: FrontendDeps): FrontendApi {
  const { config, registry, logger } = lookout
  const fe = config.frontend
  const cors = createCors(fe.cors)
  const paths: string[] = []
  const preflights: string[] = []
  const rate = (r: { perMinute: number; burst?: number | undefined }) => ({
    perMinute: r.perMinute,
    burst: r.burst ?? Math.max(1, Math.ceil(r.perMinute / 4)),
  })

  const allow = fe.sentry.dsn === undefined ? [...fe.sentry.allow] : [fe.sentry.dsn, ...fe.sentry.allow]
  const allowList = createDsnAllowList(allow)
  const serverDsn = fe.sentry.serverDsn === undefined ? undefined : parseDsn(fe.sentry.serverDsn)
  if (fe.sentry.serverDsn !== undefined && serverDsn === undefined) {
    throw frontendConfigError('frontend.sentry.serverDsn', 'not a valid DSN')
  }
  const needsForwarder = allowList.size > 0 || (serverDsn !== undefined && fe.report.enabled)
  const forwarder = needsForwarder
    ? createSentryForwarder({
        timeoutMs: fe.sentry.upstreamTimeoutMs,
        connections: fe.sentry.maxInFlight,
        guard: createOutboundGuard({
          allowPrivate: fe.sentry.allowPrivateUpstreams,
          connectTimeoutMs: fe.sentry.upstreamTimeoutMs,
        }),
      })
    : undefined

  let sentryConfig: SentryBrowserConfig | undefined
  if (fe.sentry.dsn !== undefined) {
    sentryConfig = Object.freeze({
      dsn: fe.sentry.dsn,
      environment: fe.sentry.environment ?? config.environment,
      ...(fe.sentry.release === undefined ? {} : { release: fe.sentry.release }),
      tracesSampleRate: fe.sentry.tracesSampleRate,
      replaysSessionSampleRate: fe.sentry.replaysSessionSampleRate,
      replaysOnErrorSampleRate: fe.sentry.replaysOnErrorSampleRate,
      ...(allowList.size > 0
        ? { tunnel: `${config.http.routePrefix}${FRONTEND_ROUTES.sentryEnvelope}` }
        : {}),
    })
    lookout.addRoute(
      createSentryConfigRoute(sentryConfig, { maxAgeSeconds: fe.sentry.configMaxAgeSeconds, cors }),
    )
    paths.push(FRONTEND_ROUTES.sentryConfig)
    preflights.push(FRONTEND_ROUTES.sentryConfig)
  }

  if (forwarder !== undefined && allowList.size > 0) {
    const family = registry.counter({
      name: FRONTEND_METRIC_NAMES.tunnelRequests,
      help: 'Sentry tunnel requests by outcome',
      labelNames: [FRONTEND_LABELS.outcome],
    })
    const children = bindChildren(family, TUNNEL_OUTCOMES)
    lookout.addRoute(
      createSentryTunnelRoute({
        allowList,
        forwarder,
        envelopeLimit: fe.sentry.envelopeLimit,
        maxInFlight: fe.sentry.maxInFlight,
        rateLimit: rate(fe.sentry.rateLimit),
        cors,
        count: (o) => children.get(o)!,
      }),
    )
    paths.push(FRONTEND_ROUTES.sentryEnvelope)
  }

  let reportForwarder: ReportForwarder | undefined
  if (fe.report.enabled) {
    const errors = registry.counter({
      name: FRONTEND_METRIC_NAMES.frontendErrors,
      help: 'Lightweight front-end error reports by app and kind',
      labelNames: [FRONTEND_LABELS.app, FRONTEND_LABELS.kind],
    })
    if (serverDsn !== undefined && forwarder !== undefined) {
      const forwards = registry.counter({
        name: FRONTEND_METRIC_NAMES.reportForwards,
        help: 'Error reports forwarded to Sentry by outcome',
        labelNames: [FRONTEND_LABELS.outcome],
      })
      const [sent, failed, dropped] = REPORT_FORWARD_OUTCOMES.map((o) => forwards.labels(o)) as [
        CounterChild,
        CounterChild,
        CounterChild,
      ]
      reportForwarder = createReportForwarder({
        dsn: serverDsn,
        environment: fe.sentry.environment ?? config.environment,
        forwarder,
        maxInFlight: fe.report.maxForwardsInFlight,
        count: { sent, failed, dropped },
        onFailure: (status, outcome) =>
          logger.warn(
            { event: 'frontend_report_forward_failed', status, outcome },
            'forwarding front-end error reports to Sentry is failing',
          ),
      })
    }
    lookout.addRoute(
      createSentryReportRoute({
        redactor,
        logger,
        apps: fe.report.apps,
        bodyLimit: fe.report.bodyLimit,
        rateLimit: rate(fe.report.rateLimit),
        cors,
        count: (app, kind) => errors.labels(app, kind),
        forwarder: reportForwarder,
      }),
    )
    paths.push(FRONTEND_ROUTES.sentryReport)
  }

  if (Object.keys(fe.events.catalog).length > 0) {
    const catalog = createEventCatalog(fe.events.catalog, redactor)
    const accepted = registry.counter({
      name: FRONTEND_METRIC_NAMES.publicEvents,
      help: 'Public product events accepted from front ends',
      labelNames: catalog.labelNames,
    })
    const rejectedFamily = registry.counter({
      name: FRONTEND_METRIC_NAMES.publicEventsRejected,
      help: 'Public product events refused, by reason',
      labelNames: [FRONTEND_LABELS.reason],
    })
    const rejected = bindChildren(rejectedFamily, EVENT_REJECT_REASONS)
    lookout.addRoute(
      createPublicEventsRoute({
        path: fe.events.path,
        catalog,
        maxBatch: fe.events.maxBatch,
        bodyLimit: fe.events.bodyLimit,
        rateLimit: rate(fe.events.rateLimit),
        cors,
        accepted,
        rejected: (r) => rejected.get(r)!,
      }),
    )
    paths.push(fe.events.path)
  }

  if (cors.enabled) {
    for (const path of paths)
      lookout.addRoute(cors.preflight(path, preflights.includes(path) ? 'GET' : 'POST'))
  }

  if (forwarder !== undefined) {
    lookout.addArea({
      name: 'frontend',
      async stop() {
        await reportForwarder?.idle()
        await forwarder.close()
      },
    })
  }

  const api: FrontendApi = {
    sentryConfig,
    paths: Object.freeze(paths),
    idle: async () => {
      await reportForwarder?.idle()
    },
  }
  return api
}
