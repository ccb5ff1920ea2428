import type { LookoutHost } from '../core/lookoutHost.ts'
import { createCheckRegistry } from '../health/checkRegistry.ts'
import { httpCheck } from '../health/checks/httpCheck.ts'
import type { Health } from '../health/installHealth.ts'
import { bindChildren } from '../metrics/bindChildren.ts'
import type { CounterChild } from '../metrics/counterFamily.ts'
import type { GaugeChild } from '../metrics/gaugeFamily.ts'
import type { StoreApi } from '../store/installStore.ts'
import type { PublicStatusBody } from './buildStatusBody.ts'
import {
  type ComponentStatus,
  SAMPLER_OUTCOMES,
  STATUS_GAUGE_VALUE,
  STATUS_LABELS,
  STATUS_METRIC_NAMES,
  STATUS_ROUTES,
} from './conventions.ts'
import { createCachedJson } from './createCachedJson.ts'
import { createStatusPage } from './createStatusPage.ts'
import { createStatusReader, type PublicIncidentsBody } from './createStatusReader.ts'
import { createStatusSampler, type Observation, type SampleRun } from './createStatusSampler.ts'
import type { IncidentAction } from './decideIncident.ts'
import { INCIDENT_MESSAGES } from './incidentMessages.ts'
import { resolveComponents, type StatusComponent } from './resolveComponents.ts'
import { createStatusAdminRoutes } from './statusAdminRoutes.ts'
import { createStatusPublicRoutes } from './statusPublicRoutes.ts'
import { toComponentStatus } from './toComponentStatus.ts'

/** An alert handed to the status page (e.g. from the alert router or the SLO burn evaluator). */
export interface StatusAlert {
  readonly alertname: string
  /** `critical` for SLO page alerts. */
  readonly severity: string
  /** `true` when firing, `false` when resolved. */
  readonly firing: boolean
}

/** `lookout.status`: the status page's API (see docs/status-page.md). */
export interface StatusApi {
  /** The components shown now (health checks after include/exclude, then external ones). */
  components(): readonly StatusComponent[]
  /** Runs one sampler pass now (leader only; `leader: false` when another replica holds the lease). */
  sampleNow(): Promise<SampleRun>
  /** The document `GET /public/status` serves (fresh from the store, not the cache). */
  status(): Promise<PublicStatusBody>
  /** The document `GET /public/status/incidents` serves (fresh from the store). */
  incidents(): Promise<PublicIncidentsBody>
  /**
   * The integration point for SLO page alerts (`status.sloIncidents`): a matching firing alert opens an automatic
   * incident on `sloIncidents.component` (or leaves the open one alone); a matching resolved alert resolves the
   * incident it opened. Returns the incident id, or `undefined` when the alert does not match / is disabled.
   * Never rejects: failures are logged and counted.
   */
  handleAlert(alert: StatusAlert): Promise<number | undefined>
  /** Drops the cached public documents (they are rebuilt now). */
  invalidate(): void
}

/** What the status page needs from other areas. */
export interface StatusDeps {
  /** Health: its checks are the page's components. */
  readonly health: Health
  /** The store (samples, incidents, the sampler lease); its area must be added before the status area. */
  readonly stored: StoreApi
  /** The instance's redactor: alert names shown in incidents go through it. */
  readonly redactor?: { redact(value: unknown): unknown } | undefined
}

/** Firing component alerts read per sample at most. */
const MAX_COMPONENT_ALERTS = 1000
/** The alert label naming the status component an alert is about. */
const COMPONENT_LABEL = 'component'
const STATUS_RANK: Readonly<Record<ComponentStatus, number>> = { operational: 0, degraded: 1, outage: 2 }

/**
 * Installs the status page from `config.status`: the leader-only sampler (area `status`, after the store and
 * health), automatic incidents, `lookout_status_*` metrics, the public API (`/public/status`,
 * `/public/status/incidents`), the page (`/status`) and the operator routes under `/observability/status/*`.
 * Returns `lookout.status` (`undefined` when `status.enabled` is false).
 *
 * @example
 * const status = installStatus(host, { health, stored })
 * await lookout.start()
 * await status?.sampleNow()
 */
export function installStatus(
  lookout: LookoutHost,
  { health, stored, redactor }: StatusDeps,
): StatusApi | undefined {
  const config = lookout.config.status
  if (!config.enabled) return undefined
  const { logger } = lookout
  const slo = config.sloIncidents
  const metricsOn = lookout.config.metrics.enabled

  const external = createCheckRegistry({ intervalMs: config.intervalMs })
  for (const e of config.external) {
    external.add(
      httpCheck({
        url: e.url,
        name: e.id,
        timeoutMs: e.timeoutMs,
        critical: true,
        ...(e.expectStatus === undefined ? {} : { expectStatus: e.expectStatus }),
        ...(e.degradedLatencyMs === undefined ? {} : { degradedAfterMs: e.degradedLatencyMs }),
      }),
    )
  }

  const components = () =>
    resolveComponents(
      health.results().map((r) => r.name),
      config,
    )
  const knownComponents = () => {
    const ids = new Set(components().map((c) => c.id))
    if (slo.enabled) ids.add(slo.component)
    return ids
  }

  // ── metrics (registered once; children bound once per component) ──
  const gauge = metricsOn
    ? lookout.registry.gauge({
        name: STATUS_METRIC_NAMES.component,
        help: 'Latest sampled status of each status-page component: 1 operational, 0.5 degraded, 0 outage',
        labelNames: [STATUS_LABELS.component],
      })
    : undefined
  const maintenanceGauge = metricsOn
    ? lookout.registry.gauge({
        name: STATUS_METRIC_NAMES.maintenance,
        help: 'Whether each status-page component is inside a maintenance window (1) or not (0)',
        labelNames: [STATUS_LABELS.component],
      })
    : undefined
  const runs = metricsOn
    ? lookout.registry.counter({
        name: STATUS_METRIC_NAMES.samplerRuns,
        help: 'Status sampler runs by outcome',
        labelNames: [STATUS_LABELS.outcome],
      })
    : undefined
  const runChildren = runs === undefined ? undefined : bindChildren(runs, SAMPLER_OUTCOMES)
  const opened = metricsOn
    ? lookout.registry.counter({
        name: STATUS_METRIC_NAMES.incidentsOpened,
        help: 'Incidents opened automatically, by cause',
        labelNames: [STATUS_LABELS.cause],
      })
    : undefined
  const openedBySamples: CounterChild | undefined = opened?.labels('samples')
  const openedBySlo: CounterChild | undefined = opened?.labels('slo_alert')
  const openedByAlert: CounterChild | undefined = opened?.labels('alert')
  const bound = new Map<string, { status: GaugeChild | undefined; maintenance: GaugeChild | undefined }>()
  const child = (id: string) => {
    let c = bound.get(id)
    if (c === undefined) {
      c = { status: gauge?.labels(id), maintenance: maintenanceGauge?.labels(id) }
      bound.set(id, c)
    }
    return c
  }

  let lastWarn = 0
  const warn = (event: string, err: unknown) => {
    const at = Date.now()
    if (at - lastWarn < 60_000) return
    lastWarn = at
    logger.warn({ event, err }, 'status page problem (further ones muted for 60 s)')
  }

  // Alerts still firing (in the store, whichever replica received them) with a `component` label: the leader's
  // sampler turns them into samples, so they open and resolve incidents through the same streaks as checks.
  let componentAlerts = new Map<string, { alertname: string; status: ComponentStatus }>()
  async function readComponentAlerts(): Promise<void> {
    const next = new Map<string, { alertname: string; status: ComponentStatus }>()
    const events = await stored.store.alertEvents.activeWithLabel(COMPONENT_LABEL, MAX_COMPONENT_ALERTS)
    for (const e of events) {
      const component = e.labels[COMPONENT_LABEL]!
      const status: ComponentStatus | undefined =
        e.severity === 'critical'
          ? 'outage'
          : e.severity === 'error' || e.severity === 'warning'
            ? 'degraded'
            : undefined
      if (status === undefined) continue
      const worst = next.get(component)
      if (worst === undefined || STATUS_RANK[status] > STATUS_RANK[worst.status]) {
        const alertname = redactor === undefined ? e.alertname : String(redactor.redact(e.alertname))
        next.set(component, { alertname: alertname.slice(0, 200), status })
      }
    }
    componentAlerts = next
  }
  const worstAlert = (component: string) => componentAlerts.get(component)

  async function observe(list: readonly StatusComponent[]): Promise<Map<string, Observation>> {
    if (list.some((c) => c.source === 'check')) await health.check()
    if (list.some((c) => c.source === 'external')) await external.refresh()
    await readComponentAlerts()
    const states = new Map(health.results().map((s) => [s.name, s]))
    const ext = new Map(external.results().map((s) => [s.name, s]))
    const out = new Map<string, Observation>()
    for (const c of list) {
      const s = c.source === 'check' ? states.get(c.id) : ext.get(c.id)
      const alert = worstAlert(c.id)
      if (s === undefined) {
        if (alert !== undefined) {
          out.set(c.id, {
            status: alert.status,
            latencyMs: null,
            detail: `alert:${alert.alertname}`,
            alert: alert.alertname,
          })
        }
        continue
      }
      const status: ComponentStatus = toComponentStatus(s, c.degradedLatencyMs)
      if (alert !== undefined && STATUS_RANK[alert.status] > STATUS_RANK[status]) {
        out.set(c.id, {
          status: alert.status,
          latencyMs: s.durationMs,
          detail: `alert:${alert.alertname}`,
          alert: alert.alertname,
        })
        continue
      }
      out.set(c.id, {
        status,
        latencyMs: s.durationMs,
        detail: status === 'operational' ? undefined : (s.output ?? s.status),
      })
    }
    return out
  }

  const sampler = createStatusSampler({
    store: () => stored.store,
    owner: stored.owner,
    intervalMs: config.intervalMs,
    openAfter: config.openAfter,
    resolveAfter: config.resolveAfter,
    reopenWithinMs: config.reopenWithinMs,
    components,
    observe,
    onObserved(list, observed, inMaintenance) {
      for (const c of list) {
        const o = observed.get(c.id)
        if (o === undefined) continue
        const ch = child(c.id)
        ch.status?.set(STATUS_GAUGE_VALUE[o.status])
        ch.maintenance?.set(inMaintenance.has(c.id) ? 1 : 0)
      }
    },
    onIncident(component, action: IncidentAction, incidentId) {
      const byAlert = worstAlert(component.id) !== undefined
      if (action.kind === 'open') (byAlert ? openedByAlert : openedBySamples)?.inc()
      logger.info(
        {
          event: `status_incident_${action.kind}`,
          component: component.id,
          incident: incidentId,
          cause: byAlert ? 'alert' : 'samples',
        },
        'status page incident changed automatically',
      )
    },
  })

  const reader = createStatusReader({
    store: () => stored.store,
    components,
    title: config.page.title ?? `${lookout.config.service} status`,
    description: config.page.description,
    staleAfterMs: config.intervalMs * 3 + 5_000,
    recentIncidentDays: config.recentIncidentDays,
    extraNames: slo.enabled ? { [slo.component]: slo.componentName } : {},
  })
  const cacheControl = `public, max-age=${config.cacheSeconds}`
  const statusCache = createCachedJson({
    build: () => reader.status(),
    ttlMs: config.cacheSeconds * 1000,
    cacheControl,
    onError: (err) => warn('status_build_failed', err),
  })
  const incidentsCache = createCachedJson({
    build: () => reader.incidents(),
    ttlMs: config.cacheSeconds * 1000,
    cacheControl,
    onError: (err) => warn('status_build_failed', err),
  })
  let started = false
  const invalidate = () => {
    if (!started) return
    reader.forget()
    statusCache.invalidate()
    incidentsCache.invalidate()
  }

  const page = config.page.enabled
    ? createStatusPage({
        title: config.page.title ?? `${lookout.config.service} status`,
        description: config.page.description,
        statusUrl: `${lookout.config.http.routePrefix}${STATUS_ROUTES.publicStatus}`,
        incidentsUrl: `${lookout.config.http.routePrefix}${STATUS_ROUTES.publicIncidents}`,
        refreshMs: config.page.refreshSeconds * 1000,
        timeoutMs: config.page.timeoutMs,
      })
    : undefined
  for (const route of createStatusPublicRoutes({
    status: statusCache,
    incidents: incidentsCache,
    page,
    pagePath: config.page.path,
    rateLimit: config.rateLimit,
    onError: (err) => warn('status_public_failed', err),
  }))
    lookout.addRoute(route)
  for (const route of createStatusAdminRoutes({
    store: () => stored.store,
    knownComponents,
    onChange(event, id, req) {
      logger.info({ event, id, operatorKey: req.operator?.keyIndex }, 'status page changed by an operator')
      invalidate()
    },
  }))
    lookout.addRoute(route)

  let running: Promise<void> | undefined
  const tick = () => {
    if (!started || running !== undefined) return
    running = (async () => {
      try {
        const run = await sampler.sampleOnce()
        runChildren?.get(run.leader ? 'sampled' : 'skipped_not_leader')?.inc()
        if (run.leader) {
          statusCache.invalidate()
          if (run.actions.length > 0) incidentsCache.invalidate()
        }
      } catch (err) {
        runChildren?.get('failed')?.inc()
        warn('status_sample_failed', err)
      } finally {
        running = undefined
      }
    })()
  }

  const sloTitle = INCIDENT_MESSAGES.sloTitle(slo.componentName)
  const api: StatusApi = {
    components,
    async sampleNow() {
      const run = await sampler.sampleOnce()
      if (run.leader) invalidate()
      return run
    },
    status: () => reader.status(),
    incidents: () => reader.incidents(),
    invalidate,
    async handleAlert(alert) {
      if (
        !slo.enabled ||
        !slo.alertnames.includes(alert.alertname) ||
        !slo.severities.includes(alert.severity)
      ) {
        return undefined
      }
      try {
        const store = stored.store
        const open = (await store.incidents.list({ open: true, limit: 1000 })).filter((i) =>
          i.components.includes(slo.component),
        )
        if (alert.firing) {
          const existing = open.find((i) => i.automatic) ?? open[0]
          if (existing !== undefined) return existing.id
          const id = await store.incidents.create({
            title: sloTitle,
            status: 'investigating',
            impact: 'major',
            components: [slo.component],
            automatic: true,
            message: INCIDENT_MESSAGES.sloOpened(slo.componentName),
          })
          openedBySlo?.inc()
          logger.info(
            { event: 'status_incident_open', cause: 'slo_alert', incident: id },
            'SLO page alert opened an incident',
          )
          invalidate()
          return id
        }
        const mine = open.find((i) => i.automatic && i.title === sloTitle)
        if (mine === undefined) return undefined
        await store.incidents.addUpdate(mine.id, {
          status: 'resolved',
          message: INCIDENT_MESSAGES.sloResolved(slo.componentName),
        })
        logger.info(
          { event: 'status_incident_resolve', cause: 'slo_alert', incident: mine.id },
          'SLO alert resolved its incident',
        )
        invalidate()
        return mine.id
      } catch (err) {
        warn('status_slo_incident_failed', err)
        return undefined
      }
    },
  }

  let timer: NodeJS.Timeout | undefined
  let first: NodeJS.Timeout | undefined
  let stopped = false
  lookout.addArea({
    name: 'status',
    start() {
      if (started || stopped) return
      started = true
      timer = setInterval(tick, config.intervalMs)
      timer.unref()
      // The first sample soon after start, not a whole interval later (checks have their first results by then).
      first = setTimeout(tick, Math.min(config.intervalMs, 5_000))
      first.unref()
    },
    async stop() {
      if (stopped) return
      stopped = true
      started = false
      if (timer !== undefined) clearInterval(timer)
      if (first !== undefined) clearTimeout(first)
      await running
      await sampler.release()
      await external.stop()
    },
  })
  return api
}
