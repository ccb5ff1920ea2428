import type { AlertRef, FireInput } from '../alerting/createAlertRouter.ts'
import { singleFlight } from '../core/singleFlight.ts'
import { type BurnSeverity, SLO_ALERT_NAME, SLO_LABELS } from './conventions.ts'
import type { SloFigures } from './evaluateSlo.ts'
import type { SloService } from './sloService.ts'

/** The part of the alert router the evaluator uses (`lookout.alerts` satisfies it). */
export interface SloAlertSink {
  fire(input: FireInput): Promise<unknown>
  resolve(ref: AlertRef): Promise<unknown>
}

/** Options of {@link createBurnAlertEvaluator}. */
export interface BurnAlertEvaluatorOptions {
  readonly service: SloService
  /** The alert router, looked up per run (it may be installed later); `undefined` → nothing is sent. */
  readonly sink: () => SloAlertSink | undefined
  /** Leader election: `true` when this replica should evaluate now; asked again before acting on a tenant. Default: always. */
  readonly isLeader?: () => Promise<boolean>
  /** Service name put on alert labels. */
  readonly serviceName: string
  readonly runbookUrl?: string | undefined
  readonly dashboardUrl?: string | undefined
  /**
   * The burn alerts firing in a shared store, as `tenant|slo|severity` keys; read whenever this replica becomes
   * leader, so a new leader resolves what an earlier one fired. Default: none (a single process keeps its own).
   */
  readonly adoptFiring?: () => Promise<Iterable<string>>
  /**
   * How long one `isLeader()` answer holds the lease (ms). A leader renewed more than half of it after its previous
   * renewal may have lost the lease in between (the process stopped or starved) while another replica led, so it
   * reads `adoptFiring` again, as on a takeover. Default: none (only a pass after a follower's pass reads it).
   */
  readonly leaseMs?: number
  /** Monotonic clock (ms) the renewals are timed by. Default `performance.now`. */
  readonly monotonicNow?: () => number
  /** Told about failures (never thrown). */
  readonly onError?: (error: unknown, tenant: string | undefined) => void
  /** Told about every fire/resolve sent. */
  readonly onTransition?: (tenant: string, slo: string, severity: BurnSeverity, firing: boolean) => void
}

/** Evaluates every tenant's SLOs, stores the measurements and fires/resolves burn alerts on changes. */
export interface BurnAlertEvaluator {
  /** One evaluation pass (skipped when not leader). Never rejects. */
  evaluate(): Promise<void>
  /** `tenant|slo|severity` keys currently firing (as sent by this replica or adopted from the store). */
  readonly firing: ReadonlySet<string>
}

const SEVERITY: Readonly<Record<BurnSeverity, string>> = { page: 'critical', ticket: 'warning' }

/**
 * The in-process burn alerts: the same multi-window table as the generated rules, evaluated on the source's
 * figures. A page (ticket) alert fires when a page (ticket) row starts burning and resolves when none burns;
 * the payload carries the burn rates, budget left and time to exhaustion. Only the leader evaluates when
 * several replicas share a store.
 *
 * @example
 * const evaluator = createBurnAlertEvaluator({ service, sink: () => lookout.alerts, serviceName: 'identity' })
 * setInterval(() => void evaluator.evaluate(), 60_000).unref()
 */
export function createBurnAlertEvaluator(options: BurnAlertEvaluatorOptions): BurnAlertEvaluator {
  const firing = new Set<string>()
  const { leaseMs } = options
  const clock = options.monotonicNow ?? (() => performance.now())
  // Whether this replica has led without a gap since it last adopted the store's firing alerts: a pass that takes
  // over, or resumes after its lease may have lapsed, adopts them first.
  let leading = false
  let renewedAt = Number.NEGATIVE_INFINITY

  /** Asks for (renews) the lease; clears `leading` when it was refused or may have lapsed since the last renewal. */
  async function confirmLeader(): Promise<boolean> {
    if (options.isLeader === undefined) return true
    const askedAt = clock()
    if (!(await options.isLeader())) {
      leading = false
      return false
    }
    if (leaseMs !== undefined && askedAt - renewedAt > leaseMs / 2) leading = false
    renewedAt = askedAt
    return true
  }

  const link = (template: string | undefined, tenant: string, slo: string) =>
    template?.replaceAll('{slo}', encodeURIComponent(slo)).replaceAll('{tenant}', encodeURIComponent(tenant))

  function payload(tenant: string, f: SloFigures, severity: BurnSeverity) {
    const labels = {
      [SLO_LABELS.slo]: f.slo,
      [SLO_LABELS.service]: options.serviceName,
      [SLO_LABELS.severity]: severity,
      [SLO_LABELS.kind]: f.kind,
    }
    const rows = f.burning.filter((b) => b.severity === severity)
    const annotations: Record<string, string> = {
      objective: String(f.objective),
      budget_remaining: String(f.budgetRemaining),
      burn_rate_per_hour: String(f.burnRatePerHour),
      time_to_exhaustion_seconds:
        f.timeToExhaustionSeconds === null ? 'never' : String(f.timeToExhaustionSeconds),
      burning_windows: rows.map((r) => `${r.long}&${r.short}>${r.factor}x`).join(','),
    }
    for (const [w, v] of Object.entries(f.burnRates)) annotations[`burn_rate_${w}`] = String(v)
    const runbook = link(options.runbookUrl, tenant, f.slo)
    const dashboard = link(options.dashboardUrl, tenant, f.slo)
    if (runbook !== undefined) annotations.runbook_url = runbook
    if (dashboard !== undefined) annotations.dashboard_url = dashboard
    const top = rows[0]
    const summary =
      top === undefined
        ? `SLO ${f.slo} of ${options.serviceName} is no longer burning its error budget (${severity})`
        : `SLO ${f.slo} of ${options.serviceName} burns its error budget at ${top.longBurnRate}x over ${top.long} ` +
          `(${Math.round(f.budgetRemaining * 1000) / 10}% left)`
    return { labels, annotations, summary }
  }

  async function evaluateTenant(tenant: string): Promise<void> {
    const figures = await options.service.measure(tenant)
    // Measuring can outlast the lease (a stopped or starved process): act only while still leader, and not on a
    // firing set another replica may have changed meanwhile (the next pass adopts it again).
    if (!(await confirmLeader()) || !leading) return
    const sink = options.sink()
    for (const f of figures) {
      for (const severity of ['page', 'ticket'] as const) {
        const key = `${tenant}|${f.slo}|${severity}`
        const burning = f.burning.some((b) => b.severity === severity)
        if (burning === firing.has(key)) continue
        const p = payload(tenant, f, severity)
        if (sink !== undefined) {
          if (burning) {
            await sink.fire({
              tenant,
              alertname: SLO_ALERT_NAME,
              severity: SEVERITY[severity],
              summary: p.summary,
              labels: p.labels,
              annotations: p.annotations,
              source: 'slo',
            })
          } else {
            await sink.resolve({
              tenant,
              alertname: SLO_ALERT_NAME,
              labels: p.labels,
              summary: p.summary,
              source: 'slo',
            })
          }
        }
        if (burning) firing.add(key)
        else firing.delete(key)
        options.onTransition?.(tenant, f.slo, severity, burning)
      }
    }
  }

  return {
    firing,
    evaluate: singleFlight(async () => {
      try {
        if (!(await confirmLeader())) return
        if (!leading && options.adoptFiring !== undefined) {
          const adopted = await options.adoptFiring()
          firing.clear()
          for (const key of adopted) firing.add(key)
        }
        leading = true
        // Tenants with an alert still firing are evaluated even when the source no longer lists them.
        const tenants = new Set(await options.service.tenants())
        for (const key of firing) tenants.add(key.slice(0, key.indexOf('|')))
        for (const tenant of tenants) {
          try {
            await evaluateTenant(tenant)
          } catch (err) {
            options.onError?.(err, tenant)
          }
        }
      } catch (err) {
        options.onError?.(err, undefined)
      }
    }),
  }
}
