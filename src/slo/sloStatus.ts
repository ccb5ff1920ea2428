import { burnThresholds, roundRatio } from './burnThresholds.ts'
import type { BurnSeverity } from './conventions.ts'

/** The state of an SLO: `critical` when a page pair burns, `warning` for a ticket pair. */
export type SloStatus = 'ok' | 'warning' | 'critical' | 'exhausted'

/** One multi-window row that is burning, with its figures. */
export interface BurningPair {
  readonly severity: BurnSeverity
  readonly long: string
  readonly short: string
  readonly factor: number
  readonly longBurnRate: number
  readonly shortBurnRate: number
}

/** Inputs of {@link sloStatus}. */
export interface SloStatusInput {
  /** Error ratio per standard window name (`5m` … `3d`); a missing window counts as 0. */
  readonly errorRatios: Readonly<Record<string, number>>
  /** Error budget in parts per billion (`SloDefinition.budgetPpb`). */
  readonly budgetPpb: number
  /** Remaining budget over the period (1 = untouched, ≤ 0 = spent). */
  readonly remaining: number
  /** Events in the period; without any, the SLO is `ok` whatever else is passed. */
  readonly periodTotal: number
  readonly periodSeconds: number
}

/**
 * Which multi-window rows of the period are burning: both the long and the short window's error ratio, rounded
 * as the generated rules round it (`round(ratio, 1e-12)`), strictly above the row's threshold (`factor · budget`,
 * see `burnThresholds`). Rows whose windows are missing burn at 0.
 *
 * @example
 * burningPairs({ '1h': 0.015, '5m': 0.02 }, 30 * 86400, 1_000_000) // [{ severity: 'page', long: '1h', short: '5m', factor: 14.4, … }]
 */
export function burningPairs(
  errorRatios: Readonly<Record<string, number>>,
  periodSeconds: number,
  budgetPpb: number,
): BurningPair[] {
  const out: BurningPair[] = []
  const budget = budgetPpb / 1e9
  for (const row of burnThresholds(periodSeconds, budgetPpb)) {
    const long = roundRatio(errorRatios[row.pair.long] ?? 0)
    const short = roundRatio(errorRatios[row.pair.short] ?? 0)
    if (long > row.threshold && short > row.threshold) {
      out.push({
        severity: row.pair.severity,
        long: row.pair.long,
        short: row.pair.short,
        factor: row.factor,
        longBurnRate: Number((long / budget).toPrecision(12)),
        shortBurnRate: Number((short / budget).toPrecision(12)),
      })
    }
  }
  return out
}

/**
 * The status from the multi-window table: `exhausted` when the period's budget is spent (remaining ≤ 0),
 * else `critical` if a page pair burns, `warning` if a ticket pair burns, else `ok`. No traffic in the
 * period → `ok`.
 *
 * @example
 * sloStatus({ errorRatios: { '1d': 0.004, '2h': 0.005 }, budgetPpb: 1_000_000, remaining: 0.6, periodTotal: 1e6, periodSeconds: 2592000 }) // 'warning'
 */
export function sloStatus(input: SloStatusInput): SloStatus {
  if (!(input.periodTotal > 0)) return 'ok'
  if (input.remaining <= 0) return 'exhausted'
  const burning = burningPairs(input.errorRatios, input.periodSeconds, input.budgetPpb)
  if (burning.some((b) => b.severity === 'page')) return 'critical'
  if (burning.length > 0) return 'warning'
  return 'ok'
}
