import type { AlertsApi } from '../alerting/alertsApi.ts'
import type { LookoutHost } from '../core/lookoutHost.ts'
import { configInvalidError } from '../errors.ts'
import { createRouteExclusion } from '../http/routeExclusion.ts'
import type { StatusApi } from '../status/installStatus.ts'
import type { StoreApi } from '../store/installStore.ts'
import { type BurnAlertEvaluator, createBurnAlertEvaluator } from './burnAlertEvaluator.ts'
import { SLO_ALERT_NAME, SLO_LABELS, SLO_METRIC_NAMES } from './conventions.ts'
import { effectiveBuckets } from './effectiveBuckets.ts'
import type { SloFigures } from './evaluateSlo.ts'
import {
  type GenerateSloRulesOptions,
  generateSloRules,
  type SloRules,
  sloRuleOptions,
} from './generateSloRules.ts'
import { createInProcessSloSource, type InProcessSloSource } from './inProcessSloSource.ts'
import { loadSloModel } from './loadSloModel.ts'
import { lookoutRoutes } from './lookoutRoutes.ts'
import { createPrometheusSloSource } from './prometheusSloSource.ts'
import { createSloGauges } from './sloGauges.ts'
import type { SloModel } from './sloModel.ts'
import { createMemorySloPersistence, type SloPersistence } from './sloPersistence.ts'
import { createSloRoutes } from './sloRoutes.ts'
import { createSloService, type SloBurndown, type SloService } from './sloService.ts'

/** Lease that elects the replica evaluating burn alerts when several share a store. */
export const SLO_EVALUATOR_LEASE = 'lookout:slo-evaluator'

/** Most burn alerts a replica taking over reads back from the store. */
const MAX_ADOPTED_BURN_ALERTS = 10_000
const burnKey = (tenant: string, slo: string, severity: string) => `${tenant}|${slo}|${severity}`

/** What the SLO area needs from other areas. */
export interface SloDeps {
  /** The store (buckets, configs, measurements, the evaluator lease); its area must be added before SLO's. */
  readonly stored: StoreApi
  /** Where burn alerts go. */
  readonly alerts: AlertsApi
  /** The status page, told about page-level burn (`status.sloIncidents`); `undefined` when it is off. */
  readonly status: Pick<StatusApi, 'handleAlert'> | undefined
}

/**
 * The SLO API on a Lookout instance (`lookout.slo`; `undefined` when `slo.enabled` is false).
 *
 * @example
 * const figures = await lookout.slo.status('acme')
 * writeFileSync('slo-rules.yaml', sloRulesToYaml(lookout.slo.rules()))
 */
export interface LookoutSlo {
  /** The validated model from options / the YAML file. */
  readonly model: SloModel
  /** The engine (config overrides, figures, measurements, burndown). */
  readonly service: SloService
  /** The in-process source, when that is the measurement source. */
  readonly inProcess: InProcessSloSource | undefined
  /** Live figures of a tenant's SLOs. */
  status(tenant: string): Promise<SloFigures[]>
  /** Figures, stored as measurements. */
  measure(tenant: string): Promise<SloFigures[]>
  burndown(tenant: string, points?: number): Promise<SloBurndown[]>
  /** Writes pending in-process counts to the store now. */
  flush(): Promise<void>
  /** Runs one burn-alert evaluation pass now (leader only). */
  evaluate(): Promise<void>
  /** Prometheus rules for this instance's model and config (`generateSloRules(model, sloRuleOptions(config))`). */
  rules(overrides?: Partial<GenerateSloRulesOptions>): SloRules
}

/**
 * Installs the SLO area: model from config, the measurement source (in-process observer + persisted buckets, or
 * Prometheus), gauges, the `/observability/slo/*` routes, and the leader-only burn-alert evaluator.
 * Throws coded errors at install (`LOOKOUT_ERR_SLO_*`, or `LOOKOUT_ERR_CONFIG_INVALID` for a Prometheus source
 * without URL).
 *
 * @example
 * const slo = installSlo(host, { stored, alerts, status })
 */
export function installSlo(
  lookout: LookoutHost,
  { stored, alerts, status }: SloDeps,
): LookoutSlo | undefined {
  const config = lookout.config
  const c = config.slo
  if (!c.enabled) return undefined
  const model = loadSloModel(config)
  const buckets = lookout.httpMetrics?.buckets ?? effectiveBuckets(config)
  const usePrometheus = c.source === 'prometheus' || (c.source === 'auto' && c.prometheusUrl !== undefined)
  if (usePrometheus && c.prometheusUrl === undefined) {
    throw configInvalidError([
      {
        path: 'slo.prometheusUrl',
        env: 'LOOKOUT_PROMETHEUS_URL',
        message: 'required when slo.source is "prometheus"',
      },
    ])
  }
  const registry = lookout.registry
  const folded = registry.counter({
    name: SLO_METRIC_NAMES.tenantsFolded,
    help: 'Requests counted under tenant "other" because slo.maxTenants was reached',
  })
  const dropped = registry.counter({
    name: SLO_METRIC_NAMES.bucketsDropped,
    help: 'SLO bucket increments dropped because the pending buffer was full',
  })
  const measureErrors = registry.counter({
    name: SLO_METRIC_NAMES.measureErrors,
    help: 'SLO measurements that failed (store or Prometheus unavailable)',
  })
  const foldedChild = folded.labels()
  const droppedChild = dropped.labels()
  const errorsChild = measureErrors.labels()
  const gauges = createSloGauges(registry, {
    tenantLabel: config.metrics.tenantLabel,
    maxTenants: config.metrics.cardinality.maxTenants,
  })

  // The store opens at start(); the observer only touches memory before then. Without the store the counts stay
  // in this process's memory.
  const persistence: SloPersistence = stored.enabled
    ? {
        get sloBuckets() {
          return stored.store.sloBuckets
        },
        get sloConfigs() {
          return stored.store.sloConfigs
        },
        get sloMeasurements() {
          return stored.store.sloMeasurements
        },
      }
    : createMemorySloPersistence()
  let service: SloService | undefined
  const inProcess = usePrometheus
    ? undefined
    : createInProcessSloSource({
        persistence,
        slosFor: (tenant) => service!.slosFor(tenant),
        bucketSeconds: c.bucketSeconds,
        maxTenants: c.maxTenants,
        maxPendingBuckets: c.maxPendingBuckets,
        // Lookout's own routes are not part of the service's SLIs; the rules and the Prometheus source leave out
        // the same ones (probes and /metrics are not measured at all).
        skipRoute: createRouteExclusion(lookoutRoutes(config)),
        onFolded: () => foldedChild.inc(),
        onDropped: (n) => droppedChild.inc(n),
      })
  const source =
    inProcess ??
    createPrometheusSloSource({
      url: c.prometheusUrl!,
      conventions: config.metrics.conventions,
      tenantLabel: config.metrics.tenantLabel,
      selector: c.prometheusSelector,
      excludeRoutes: lookoutRoutes(config),
      timeoutMs: c.prometheusTimeoutMs,
    })
  const svc = createSloService({
    model,
    source,
    persistence,
    buckets,
    onFigures: (tenant, figures) => gauges.update(tenant, figures),
    onConfigChange: (tenant) => inProcess?.invalidate(tenant),
  })
  service = svc
  if (inProcess !== undefined) lookout.core.addObserver(inProcess.observer)

  // Failures are counted always, logged at most once a minute.
  let lastLog = 0
  const failed = (event: string, err: unknown, tenant?: string) => {
    errorsChild.inc()
    const at = Date.now()
    if (at - lastLog < 60_000) return
    lastLog = at
    lookout.logger.warn({ event, tenant, err }, 'SLO measurement failed')
  }
  for (const route of createSloRoutes({
    service: svc,
    onSourceError: (tenant, err) => failed('slo_source_failed', err, tenant),
  }))
    lookout.addRoute(route)

  const evaluatorLeaseMs = Math.max(c.evaluateIntervalMs * 3, 30_000)
  const evaluator: BurnAlertEvaluator = createBurnAlertEvaluator({
    service: svc,
    sink: () => alerts,
    isLeader: async () =>
      !stored.enabled || stored.store.acquireLease(SLO_EVALUATOR_LEASE, stored.owner, evaluatorLeaseMs),
    leaseMs: stored.enabled ? evaluatorLeaseMs : undefined,
    // The alert history is shared: a replica taking over resolves the burn alerts another one fired.
    adoptFiring: stored.enabled
      ? async () =>
          (await stored.store.alertEvents.activeWithLabel(SLO_LABELS.slo, MAX_ADOPTED_BURN_ALERTS))
            .filter(
              (e) =>
                e.alertname === SLO_ALERT_NAME &&
                e.source === 'slo' &&
                e.labels[SLO_LABELS.service] === config.service,
            )
            .map((e) => burnKey(e.tenant, e.labels[SLO_LABELS.slo]!, e.labels[SLO_LABELS.severity]!))
      : undefined,
    serviceName: config.service,
    runbookUrl: c.runbookUrl,
    dashboardUrl: c.dashboardUrl,
    onError: (err, tenant) => failed('slo_evaluation_failed', err, tenant),
    onTransition: (tenant, slo, severity, firing) => {
      lookout.logger.info(
        { event: firing ? 'slo_burn_alert_fired' : 'slo_burn_alert_resolved', tenant, slo, severity },
        firing ? 'SLO burn alert fired' : 'SLO burn alert resolved',
      )
      // Page-level burn can open (and close) an automatic incident on the status page when
      // `status.sloIncidents.enabled` is set; the status area ignores it otherwise.
      // The incident covers the service as a whole: it opens with the first paging SLO and resolves when none
      // pages any more (counted over the evaluator's firing set, which includes alerts adopted on takeover).
      if (severity === 'page') {
        const now = [...evaluator.firing].filter((k) => k.endsWith('|page')).length
        const before = firing ? now - 1 : now + 1
        if ((before === 0) !== (now === 0)) {
          status
            ?.handleAlert({ alertname: SLO_ALERT_NAME, severity: 'critical', firing: now > 0 })
            .catch((err: unknown) => failed('slo_status_incident_failed', err, tenant))
        }
      }
    },
  })

  const flush = async () => {
    if (inProcess === undefined || !started) return
    try {
      await inProcess.flush()
    } catch (err) {
      failed('slo_flush_failed', err)
    }
  }
  let started = false
  let stopped = false
  const timers: NodeJS.Timeout[] = []

  const api: LookoutSlo = {
    model,
    service: svc,
    inProcess,
    status: (tenant) => svc.status(tenant),
    measure: (tenant) => svc.measure(tenant),
    burndown: (tenant, points) => svc.burndown(tenant, points),
    flush,
    evaluate: () => (c.alerts ? evaluator.evaluate() : Promise.resolve()),
    rules: (overrides = {}) => generateSloRules(model, { ...sloRuleOptions(config), ...overrides }),
  }

  lookout.addArea({
    name: 'slo',
    async start() {
      if (started || stopped) return
      await svc.load()
      started = true
      if (inProcess !== undefined) {
        const t = setInterval(() => void flush(), c.flushIntervalMs)
        t.unref()
        timers.push(t)
      }
      if (c.alerts && c.evaluateIntervalMs > 0) {
        const t = setInterval(() => void flush().then(() => evaluator.evaluate()), c.evaluateIntervalMs)
        t.unref()
        timers.push(t)
      }
    },
    async stop() {
      if (stopped) return
      stopped = true
      for (const t of timers) clearInterval(t)
      timers.length = 0
      await flush()
      started = false
      try {
        await stored.store.releaseLease(SLO_EVALUATOR_LEASE, stored.owner)
      } catch {
        // The store never opened, or is closing: the lease expires by itself.
      }
    },
  })
  return api
}
