import type { MetricRegistry } from '../metrics/metricRegistry.ts'
import { createTenantAdmission } from '../metrics/tenantAdmission.ts'
import { BURN_WINDOWS, SLO_LABELS, SLO_METRIC_NAMES } from './conventions.ts'
import type { SloFigures } from './evaluateSlo.ts'

/** Options of {@link createSloGauges}. */
export interface SloGaugesOptions {
  /** Add a `tenant` label (admitted by the cardinality budget: later tenants fold into `other`). */
  readonly tenantLabel: boolean
  /** Tenants admitted as label values. */
  readonly maxTenants: number
}

/** The SLO gauges; `update()` after each evaluation, values are written at scrape time. */
export interface SloGauges {
  update(tenant: string, figures: readonly SloFigures[]): void
}

interface Latest {
  compliance: number
  remaining: number
  burn: Record<string, number>
}

/**
 * Registers `lookout_slo_compliance_ratio{slo}`, `lookout_error_budget_remaining_ratio{slo}` and
 * `lookout_slo_burn_rate{slo,window}` (+ `tenant` when enabled). Several tenants behind one label set (no tenant
 * label, or folded into `other`) report the worst of them: lowest compliance and budget, highest burn.
 *
 * @example
 * const gauges = createSloGauges(registry, { tenantLabel: false, maxTenants: 50 })
 * gauges.update('acme', await service.status('acme'))
 */
export function createSloGauges(registry: MetricRegistry, options: SloGaugesOptions): SloGauges {
  const base = options.tenantLabel ? [SLO_LABELS.slo, SLO_LABELS.tenant] : [SLO_LABELS.slo]
  const compliance = registry.gauge({
    name: SLO_METRIC_NAMES.compliance,
    help: 'Share of good events over the SLO period (1 without traffic)',
    labelNames: base,
  })
  const remaining = registry.gauge({
    name: SLO_METRIC_NAMES.budgetRemaining,
    help: 'Share of the error budget left over the SLO period (negative when overspent)',
    labelNames: base,
  })
  const burn = registry.gauge({
    name: SLO_METRIC_NAMES.burnRate,
    help: 'Error-budget burn rate over a window (1 = spending exactly the budget over the period)',
    labelNames: [...base, SLO_LABELS.window],
  })
  const admit = options.tenantLabel ? createTenantAdmission(options.maxTenants) : undefined
  // tenant → slo → latest figures; bounded by the tenants the sources track.
  const latest = new Map<string, Map<string, Latest>>()

  registry.addCollector(() => {
    const worst = new Map<string, { values: string[]; latest: Latest }>()
    for (const [tenant, bySlo] of latest) {
      const t = admit?.(tenant)
      for (const [slo, figures] of bySlo) {
        const values = t === undefined ? [slo] : [slo, t]
        const key = values.join('\u0001')
        const hit = worst.get(key)
        if (hit === undefined) {
          worst.set(key, { values, latest: { ...figures, burn: { ...figures.burn } } })
          continue
        }
        hit.latest.compliance = Math.min(hit.latest.compliance, figures.compliance)
        hit.latest.remaining = Math.min(hit.latest.remaining, figures.remaining)
        for (const [w, v] of Object.entries(figures.burn))
          hit.latest.burn[w] = Math.max(hit.latest.burn[w] ?? 0, v)
      }
    }
    for (const { values, latest: l } of worst.values()) {
      compliance.labels(...values).set(l.compliance)
      remaining.labels(...values).set(l.remaining)
      for (const w of BURN_WINDOWS) burn.labels(...values, w.name).set(l.burn[w.name] ?? 0)
    }
  })

  return {
    update(tenant, figures) {
      const bySlo = new Map<string, Latest>()
      for (const f of figures)
        bySlo.set(f.slo, { compliance: f.compliance, remaining: f.budgetRemaining, burn: { ...f.burnRates } })
      latest.set(tenant, bySlo)
    },
  }
}
