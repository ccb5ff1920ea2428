import { BURN_ALERT_PAIRS, BURN_WINDOWS, type BurnAlertPair, type BurnSeverity } from './conventions.ts'
import { burnFactor } from './sloMath.ts'

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
  /** Burn rate per standard window name (`5m` … `3d`); a missing window counts as 0. */
  readonly burnRates: Readonly<Record<string, number>>
  /** Remaining budget over the period (1 = untouched, ≤ 0 = spent). */
  readonly remaining: number
  /** Events in the period; without any, the SLO is `ok` whatever else is passed. */
  readonly periodTotal: number
  readonly periodSeconds: number
}

const WINDOW_SECONDS = new Map(BURN_WINDOWS.map((w) => [w.name, w.seconds]))

/**
 * Which multi-window rows are burning: both the long and the short window's burn rate strictly above the row's
 * factor (computed for the SLO's period). Rows whose windows are missing burn at 0.
 *
 * @example
 * burningPairs({ '1h': 15, '5m': 20 }, 30 * 86400) // [{ severity: 'page', long: '1h', short: '5m', factor: 14.4, … }]
 */
export function burningPairs(
  burnRates: Readonly<Record<string, number>>,
  periodSeconds: number,
  pairs: readonly BurnAlertPair[] = BURN_ALERT_PAIRS,
): BurningPair[] {
  const out: BurningPair[] = []
  for (const pair of pairs) {
    const factor = burnFactor(pair.budgetPercent, WINDOW_SECONDS.get(pair.long)!, periodSeconds)
    const longRate = burnRates[pair.long] ?? 0
    const shortRate = burnRates[pair.short] ?? 0
    if (longRate > factor && shortRate > factor) {
      out.push({
        severity: pair.severity,
        long: pair.long,
        short: pair.short,
        factor,
        longBurnRate: longRate,
        shortBurnRate: shortRate,
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
 * sloStatus({ burnRates: { '1d': 4, '2h': 5 }, remaining: 0.6, periodTotal: 1e6, periodSeconds: 2592000 }) // 'warning'
 */
export function sloStatus(input: SloStatusInput): SloStatus {
  if (!(input.periodTotal > 0)) return 'ok'
  if (input.remaining <= 0) return 'exhausted'
  const burning = burningPairs(input.burnRates, input.periodSeconds)
  if (burning.some((b) => b.severity === 'page')) return 'critical'
  if (burning.length > 0) return 'warning'
  return 'ok'
}
