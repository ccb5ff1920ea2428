import type { LookoutHost } from '../core/lookoutHost.ts'
import { alertConfigInvalidError } from '../errors.ts'
import { createOutboundGuard } from '../outbound/createOutboundGuard.ts'
import type { Store } from '../store/createStore.ts'
import type { StoreApi } from '../store/installStore.ts'
import type { Delivery } from '../store/repositories/alertDeliveriesRepository.ts'
import { createAlertingRoutes } from './alertingRoutes.ts'
import type { AlertsApi, HistoryDelivery } from './alertsApi.ts'
import { createAlertingMetrics } from './createAlertingMetrics.ts'
import { createAlertRouter } from './createAlertRouter.ts'
import { createDeliveryWorker } from './createDeliveryWorker.ts'
import { failureReasonOf } from './deliveryFailure.ts'
import {
  type AlertRoutingConfig,
  maskRoutingConfig,
  type RoutingProblem,
  routingConfigSchema,
  validateRoutingConfig,
} from './routingConfig.ts'

/** Something with a deep `redact` (the shared redactor from src/redact). */
export interface AlertRedactor {
  redact(value: unknown): unknown
}

const CONFIG_CACHE_MS = 1000
const CONFIG_CACHE_MAX = 1000

/** What alerting needs from other areas. */
export interface AlertingDeps {
  /** The store (its outbox, config and history); its area must be added before alerting's. */
  readonly stored: StoreApi
  /** The instance's redactor, for everything an alert carries. */
  readonly redactor: AlertRedactor
}

/**
 * Installs alert routing — the ops routes under `/observability/alerts/*`, the metrics, and the outbox worker as
 * the `alerting` area (started after the store) — and returns `lookout.alerts` (fire / resolve / acknowledge /
 * config / history).
 *
 * @example
 * const stored = installStore(host, { health })
 * const alerts = installAlerting(host, { stored, redactor })
 */
export function installAlerting(lookout: LookoutHost, { stored, redactor }: AlertingDeps): AlertsApi {
  const cfg = lookout.config.alerting
  if (cfg.worker.leaseMs <= cfg.worker.timeoutMs) {
    throw alertConfigInvalidError(
      `alerting.worker.leaseMs (${cfg.worker.leaseMs}) must exceed alerting.worker.timeoutMs (${cfg.worker.timeoutMs}), or a slow send could be repeated by another worker`,
    )
  }
  const redact = (v: unknown) => redactor.redact(v)
  const redactText = (t: string) => String(redact(t))
  let started = false
  const store = (): Store | undefined => {
    if (!started) return undefined
    try {
      return stored.store
    } catch {
      return undefined
    }
  }
  const metrics = lookout.config.metrics.enabled ? createAlertingMetrics(lookout.registry) : undefined

  const cache = new Map<string, { at: number; config: AlertRoutingConfig | undefined }>()
  const loadConfig = async (tenant: string): Promise<AlertRoutingConfig | undefined> => {
    const hit = cache.get(tenant)
    if (hit !== undefined && Date.now() - hit.at < CONFIG_CACHE_MS) return hit.config
    const s = store()
    if (s === undefined) return undefined
    const row = await s.alertRoutes.get(tenant)
    const parsed = row === undefined ? undefined : routingConfigSchema.safeParse(row.config)
    const config = parsed?.success ? parsed.data : undefined
    if (cache.size >= CONFIG_CACHE_MAX) cache.clear()
    cache.set(tenant, { at: Date.now(), config })
    return config
  }

  let lastErrorLog = 0
  const onError = (event: string, err: unknown) => {
    if (Date.now() - lastErrorLog < 10_000) return
    lastErrorLog = Date.now()
    lookout.logger.warn({ event, err }, 'alert delivery problem (further ones muted for 10 s)')
  }

  const guard = createOutboundGuard({
    allowPrivate: cfg.allowPrivateTargets,
    allowedHostsOption: 'alerting.webhookHosts',
    connectTimeoutMs: cfg.worker.timeoutMs,
  })
  const worker = createDeliveryWorker({
    store,
    loadConfig,
    owner: stored.owner,
    ...cfg.worker,
    context: {
      service: lookout.config.service,
      instance: lookout.config.instance,
      endpoints: cfg.endpoints,
      webhookHosts: cfg.webhookHosts,
    },
    guard,
    metrics,
    redactText,
    onError,
  })

  const router = createAlertRouter({
    store: () => {
      const s = store()
      return s
    },
    loadConfig,
    cooldownSeconds: cfg.cooldownSeconds,
    metrics,
    redact,
    onEnqueued: () => worker.wake(),
  })

  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
  const toHistoryDelivery = (d: Delivery, errorDetails: boolean): HistoryDelivery => ({
    id: d.id,
    channelId: d.channelId,
    channelType: d.channelType,
    action: d.action,
    dedupKey: d.dedupKey,
    state: d.state,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastReason: failureReasonOf(d.lastStatus, d.lastError),
    lastError: errorDetails ? d.lastError : null,
    nextAttemptAt: d.state === 'pending' ? iso(d.nextAttemptAt) : null,
    deliveredAt: iso(d.deliveredAt),
  })

  const requireStore = (): Store => stored.store

  // The names of webhook and Slack URLs, resolved when saved: a name pointing inside the network is a 422 now,
  // not only a refused delivery later.
  const vetChannelUrls = async (config: AlertRoutingConfig): Promise<RoutingProblem[]> => {
    const found = await Promise.all(
      config.channels.map(async (c, i): Promise<RoutingProblem | undefined> => {
        if (c.type !== 'webhook' && c.type !== 'slack') return undefined
        const vetted = await guard.vet(c.url, cfg.webhookHosts)
        return vetted.ok ? undefined : { path: `channels.${i}.url`, message: `refused: ${vetted.reason}` }
      }),
    )
    return found.filter((p) => p !== undefined)
  }

  const api: AlertsApi = {
    fire: (input) => router.fire(input),
    resolve: (ref) => router.resolve(ref),
    acknowledge: (ref) => router.acknowledge(ref),
    async getConfig(tenant) {
      const row = await requireStore().alertRoutes.get(tenant)
      if (row === undefined) return undefined
      const parsed = routingConfigSchema.safeParse(row.config)
      if (!parsed.success) return undefined
      return { ...maskRoutingConfig(parsed.data), version: row.version }
    },
    async setConfig(tenant, input) {
      const s = requireStore()
      const row = await s.alertRoutes.get(tenant)
      const stored = row === undefined ? undefined : routingConfigSchema.safeParse(row.config)
      const r = validateRoutingConfig(input, stored?.success ? stored.data : undefined, {
        webhookHosts: cfg.webhookHosts,
        allowPrivateTargets: cfg.allowPrivateTargets,
      })
      if (!r.ok) return r
      const problems = await vetChannelUrls(r.config)
      if (problems.length > 0) return { ok: false, problems }
      const version = await s.alertRoutes.put(tenant, r.config)
      cache.delete(tenant)
      return { ok: true, version, config: maskRoutingConfig(r.config) }
    },
    async history(tenant, query = {}, options = {}) {
      const s = requireStore()
      const limit = query.limit ?? 50
      const events = await s.alertEvents.list(tenant, { ...query, limit })
      const deliveries = await s.alertDeliveries.listForEvents(events.map((e) => e.id))
      const suppressedLast24h = await s.alertEvents.countSuppressed(tenant, Date.now() - 86_400_000)
      return {
        tenant,
        events: events.map((e) => ({
          id: e.id,
          fingerprint: e.fingerprint,
          alertname: e.alertname,
          severity: e.severity,
          status: e.status,
          suppressed: e.suppressed,
          summary: e.summary,
          labels: e.labels,
          annotations: e.annotations,
          source: e.source,
          createdAt: new Date(e.createdAt).toISOString(),
          deliveries: (deliveries.get(e.id) ?? []).map((d) =>
            toHistoryDelivery(d, options.errorDetails !== false),
          ),
        })),
        nextCursor: events.length === limit ? events[events.length - 1]!.id : null,
        suppressedLast24h,
      }
    },
    async drain(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const s = store()
        if (s !== undefined && (await s.alertDeliveries.countPending()) === 0) return true
        if (Date.now() > deadline) return false
        worker.wake()
        await new Promise((r) => setTimeout(r, 50).unref())
      }
    },
  }

  metrics?.pendingCollector(async () => {
    const s = store()
    return s === undefined ? undefined : s.alertDeliveries.countPending()
  })

  if (!cfg.enabled) return api
  for (const route of createAlertingRoutes(api, cfg.alertmanager)) lookout.addRoute(route)
  lookout.addArea({
    name: 'alerting',
    start() {
      started = true
      worker.start()
    },
    async stop() {
      await worker.stop()
      await guard.close()
      started = false
    },
  })
  return api
}
