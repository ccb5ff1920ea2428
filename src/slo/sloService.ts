import { LookoutError } from '../errors.ts'
import type { SloMeasurement } from '../store/repositories/sloMeasurementsRepository.ts'
import { resolveTenantSlos } from './buildSloModel.ts'
import { latencyThresholds, mergeSloBuckets } from './effectiveBuckets.ts'
import { evaluateSlo, type SloFigures } from './evaluateSlo.ts'
import { budgetRemainingOf } from './sloMath.ts'
import { type SloDefinition, type SloModel, sloForTenant } from './sloModel.ts'
import type { SloPersistence } from './sloPersistence.ts'
import type { SloSource } from './sloSource.ts'
import type { SloSpec } from './sloSpec.ts'

/** A tenant's effective SLOs and where they come from. */
export interface TenantSloConfig {
  readonly tenant: string
  /** `api` (stored override), `config` (options / YAML override) or `defaults`. */
  readonly origin: 'api' | 'config' | 'defaults'
  /** The override entries stored through the API, when `origin` is `api`. */
  readonly overrides: readonly SloSpec[] | undefined
  readonly slos: readonly SloDefinition[]
}

/** One point of a burndown series: remaining budget after the step ending at `t`. */
export interface BurndownPoint {
  readonly t: number
  readonly remaining: number
}

/** Burndown of one SLO: the series plus the current burn figures. */
export interface SloBurndown {
  readonly slo: string
  readonly period: string
  readonly stepSeconds: number
  readonly points: readonly BurndownPoint[]
  readonly figures: SloFigures
}

/** Options of {@link createSloService}. */
export interface SloServiceOptions {
  readonly model: SloModel
  readonly source: SloSource
  readonly persistence: SloPersistence
  /** Boundaries of the HTTP duration histogram: API overrides must use one as latency threshold. */
  readonly buckets: readonly number[]
  /** Clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number
  /** Told after each evaluation (gauges). */
  readonly onFigures?: (tenant: string, figures: readonly SloFigures[]) => void
  /** Told when a tenant's SLOs change (the in-process source recompiles). */
  readonly onConfigChange?: (tenant: string) => void
}

/**
 * The SLO engine behind the API and the evaluator: effective SLOs per tenant (API overrides > config > defaults),
 * live figures from the source, stored measurements, burndown series.
 *
 * @example
 * const service = createSloService({ model, source, persistence: lookout.store, buckets })
 * await service.status('acme') // [{ slo: 'availability', status: 'ok', budgetRemaining: 0.93, … }, …]
 */
export interface SloService {
  readonly model: SloModel
  readonly source: SloSource
  /** The SLOs that apply to a tenant now. */
  slosFor(tenant: string): readonly SloDefinition[]
  /** Loads API overrides from the store (at start). */
  load(): Promise<void>
  config(tenant: string): TenantSloConfig
  /** Validates and stores a tenant's override list (merged onto the defaults). Throws `LOOKOUT_ERR_SLO_*`. */
  putConfig(tenant: string, overrides: readonly SloSpec[]): Promise<TenantSloConfig>
  /** Live figures of every SLO of a tenant (not stored). */
  status(tenant: string): Promise<SloFigures[]>
  /** Live figures, stored as measurements. */
  measure(tenant: string): Promise<SloFigures[]>
  /** Tenants worth evaluating: configured, overridden and recently seen ones. */
  tenants(): Promise<string[]>
  /** Burndown of every SLO of a tenant over its period in `points` steps. */
  burndown(tenant: string, points?: number): Promise<SloBurndown[]>
  /** Stored measurements of one SLO, newest first. */
  history(
    tenant: string,
    slo: string,
    options: { since?: number | undefined; limit?: number },
  ): Promise<SloMeasurement[]>
}

export function createSloService(options: SloServiceOptions): SloService {
  const { model, source, persistence } = options
  const now = options.now ?? Date.now
  const overrides = new Map<string, { specs: readonly SloSpec[]; slos: readonly SloDefinition[] }>()

  const slosFor = (tenant: string) => overrides.get(tenant)?.slos ?? sloForTenant(model, tenant)

  async function figures(tenant: string, at: number): Promise<SloFigures[]> {
    const list = slosFor(tenant)
    const out = await Promise.all(
      list.map(async (slo) => evaluateSlo(slo, await source.counts(tenant, slo, at))),
    )
    options.onFigures?.(tenant, out)
    return out
  }

  return {
    model,
    source,
    slosFor,
    async load() {
      for (const stored of await persistence.sloConfigs.list()) {
        const specs = (stored.config as { slos?: SloSpec[] } | undefined)?.slos
        if (!Array.isArray(specs)) continue
        try {
          overrides.set(stored.tenant, { specs, slos: resolveTenantSlos(model, stored.tenant, specs) })
        } catch {
          // A stored override that no longer validates (defaults changed): the tenant falls back to config.
        }
      }
    },
    config(tenant) {
      const api = overrides.get(tenant)
      if (api !== undefined) return { tenant, origin: 'api', overrides: api.specs, slos: api.slos }
      const fromConfig = Object.hasOwn(model.tenants, tenant)
      return {
        tenant,
        origin: fromConfig ? 'config' : 'defaults',
        overrides: undefined,
        slos: sloForTenant(model, tenant),
      }
    },
    async putConfig(tenant, specs) {
      const slos = resolveTenantSlos(model, tenant, specs)
      mergeSloBuckets(options.buckets, latencyThresholds({ defaults: slos, tenants: {} }), true)
      await persistence.sloConfigs.put(tenant, { slos: specs })
      overrides.set(tenant, { specs, slos })
      options.onConfigChange?.(tenant)
      return { tenant, origin: 'api', overrides: specs, slos }
    },
    status(tenant) {
      return figures(tenant, now())
    },
    async measure(tenant) {
      const at = now()
      const out = await figures(tenant, at)
      for (const f of out) {
        await persistence.sloMeasurements.insert({
          tenant,
          slo: f.slo,
          measuredAt: at,
          compliance: f.compliance,
          budgetRemaining: f.budgetRemaining,
          burnRate: f.burnRates['1h'] ?? 0,
          status: f.status,
          detail: {
            burnRates: f.burnRates,
            burnRatePerHour: f.burnRatePerHour,
            timeToExhaustionSeconds: f.timeToExhaustionSeconds,
            good: f.good,
            total: f.total,
            objective: f.objective,
          },
        })
      }
      return out
    },
    async tenants() {
      const all = new Set<string>([...Object.keys(model.tenants), ...overrides.keys()])
      for (const t of await source.tenants(now())) all.add(t)
      return [...all].sort()
    },
    history(tenant, slo, opts) {
      return persistence.sloMeasurements.list(tenant, slo, opts)
    },
    async burndown(tenant, points = 60) {
      const at = now()
      const list = slosFor(tenant)
      const out = await Promise.all(
        list.map(async (slo): Promise<SloBurndown> => {
          const periodMs = slo.periodSeconds * 1000
          // Steps tile the period window the figures use, so the last point is the figures' remaining budget.
          let n = Math.max(Math.min(Math.trunc(points), 1000), 1)
          while (periodMs % n !== 0) n--
          const stepMs = periodMs / n
          const end = source.windowEnd?.(at) ?? at
          const [steps, counts] = await Promise.all([
            source.steps(tenant, slo, end - periodMs, end, stepMs),
            source.counts(tenant, slo, at),
          ])
          // Remaining budget after each step against the whole window's allowance (a burndown from 1).
          const total = steps.reduce((sum, x) => sum + x.total, 0)
          let bad = 0
          const series: BurndownPoint[] = steps.map((s) => {
            bad += Math.max(s.total - s.good, 0)
            return {
              t: s.start + stepMs,
              remaining: budgetRemainingOf({ good: total - bad, total }, slo.budgetPpb),
            }
          })
          return {
            slo: slo.name,
            period: slo.period,
            stepSeconds: stepMs / 1000,
            points: series,
            figures: evaluateSlo(slo, counts),
          }
        }),
      )
      options.onFigures?.(
        tenant,
        out.map((b) => b.figures),
      )
      return out
    },
  }
}

/** Whether an error is one of the SLO area's coded validation errors (→ 422 in the API). */
export function isSloValidationError(err: unknown): err is LookoutError {
  return (
    err instanceof LookoutError &&
    (err.code === 'LOOKOUT_ERR_SLO_INVALID' || err.code === 'LOOKOUT_ERR_SLO_BUCKET')
  )
}
