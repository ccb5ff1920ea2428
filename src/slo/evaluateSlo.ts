import { BURN_WINDOWS } from './conventions.ts'
import {
  budgetRemainingOf,
  burnRateOf,
  compliance,
  errorRatio,
  type GoodTotal,
  rawErrorRatio,
  round12,
} from './sloMath.ts'
import type { SloDefinition } from './sloModel.ts'
import { type BurningPair, burningPairs, type SloStatus, sloStatus } from './sloStatus.ts'

/** Good/total counts per standard window name (`5m` … `3d`) and for the whole period. */
export interface WindowCounts {
  readonly windows: Readonly<Record<string, GoodTotal>>
  readonly period: GoodTotal
}

/**
 * Every figure of one SLO at one moment (what the status API returns and what a measurement stores).
 *
 * @example
 * { slo: 'availability', objective: 0.999, compliance: 0.9995, errorRatio: 0.0005, budgetRemaining: 0.5,
 *   burnRates: { '5m': 0, '1h': 2, … }, burnRatePerHour: 0.00277…, timeToExhaustionSeconds: 648000,
 *   status: 'ok', burning: [], good: 1999, total: 2000 }
 */
export interface SloFigures {
  readonly slo: string
  readonly kind: SloDefinition['kind']
  readonly objective: number
  readonly budget: number
  readonly period: string
  /** Good share over the period (1 without traffic). */
  readonly compliance: number
  /** Bad share over the period. */
  readonly errorRatio: number
  /** Share of the period's budget left (negative when overspent). */
  readonly budgetRemaining: number
  /** Burn rate per standard window. */
  readonly burnRates: Readonly<Record<string, number>>
  /** Burn rate over the whole period (1 − budgetRemaining). */
  readonly periodBurnRate: number
  /** Share of the period's budget spent per hour at the 1h burn rate. */
  readonly burnRatePerHour: number
  /** Seconds until the budget is gone at the 1h burn rate; `null` when not burning. */
  readonly timeToExhaustionSeconds: number | null
  readonly status: SloStatus
  /** Multi-window rows currently burning. */
  readonly burning: readonly BurningPair[]
  readonly good: number
  readonly total: number
}

/**
 * Computes every figure of an SLO from its window counts (pure).
 *
 * @example
 * evaluateSlo(slo, { windows: { '5m': { good: 99, total: 100 }, … }, period: { good: 9990, total: 10000 } })
 */
export function evaluateSlo(slo: SloDefinition, counts: WindowCounts): SloFigures {
  const burnRates: Record<string, number> = {}
  const ratios: Record<string, number> = {}
  for (const w of BURN_WINDOWS) {
    const c = counts.windows[w.name]
    burnRates[w.name] = c === undefined ? 0 : burnRateOf(c, slo.budgetPpb)
    ratios[w.name] = c === undefined ? 0 : rawErrorRatio(c)
  }
  const remaining = budgetRemainingOf(counts.period, slo.budgetPpb)
  const hour = counts.windows['1h'] ?? { good: 0, total: 0 }
  return {
    slo: slo.name,
    kind: slo.kind,
    objective: slo.objective,
    budget: slo.budget,
    period: slo.period,
    compliance: compliance(counts.period),
    errorRatio: errorRatio(counts.period),
    budgetRemaining: remaining,
    burnRates,
    periodBurnRate: burnRateOf(counts.period, slo.budgetPpb),
    burnRatePerHour: burnPerHour(hour, slo),
    timeToExhaustionSeconds: exhaustionSeconds(counts.period, hour, slo),
    status: sloStatus({
      errorRatios: ratios,
      budgetPpb: slo.budgetPpb,
      remaining,
      periodTotal: counts.period.total,
      periodSeconds: slo.periodSeconds,
    }),
    burning: counts.period.total > 0 ? burningPairs(ratios, slo.periodSeconds, slo.budgetPpb) : [],
    good: counts.period.good,
    total: counts.period.total,
  }
}

const badOf = (c: GoodTotal) => Math.min(Math.max(c.total - c.good, 0), c.total)

/** Share of the period's budget spent per hour at the 1h burn, from counts (rounded once). */
function burnPerHour(hour: GoodTotal, slo: SloDefinition): number {
  if (!(hour.total > 0)) return 0
  return round12((badOf(hour) * 1e9 * 3600) / (hour.total * slo.budgetPpb * slo.periodSeconds))
}

/** Seconds until the remaining budget is gone at the 1h burn, from counts (rounded once). */
function exhaustionSeconds(period: GoodTotal, hour: GoodTotal, slo: SloDefinition): number | null {
  if (!(period.total > 0)) return null
  const allowed = period.total * slo.budgetPpb
  const left = allowed - badOf(period) * 1e9
  if (left <= 0) return 0
  if (!(hour.total > 0) || badOf(hour) === 0) return null
  // remaining · T / burn = (left / allowed) · T · (hour.total · budget) / bad(hour)
  return round12(((left / allowed) * slo.periodSeconds * hour.total * slo.budgetPpb) / (badOf(hour) * 1e9))
}
