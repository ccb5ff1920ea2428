import { BURN_ALERT_PAIRS, BURN_WINDOWS, type BurnAlertPair } from './conventions.ts'
import { decimalRational, formatRational, lessThan, multiply, type Rational } from './exactDecimal.ts'

const WINDOW_SECONDS = new Map(BURN_WINDOWS.map((w) => [w.name, w.seconds]))

/** One multi-window row as it applies to a period: its factor and error-ratio threshold, exact and printed. */
export interface BurnThreshold {
  readonly pair: BurnAlertPair
  /** Share of the period's budget the long window spends at the factor: `factor · long / period` (≤ 1). */
  readonly budgetFraction: number
  /** Burn rate both windows must exceed: `budgetFraction · period / long`. */
  readonly factor: number
  /** `factor` as a plain decimal. */
  readonly factorText: string
  /** Error ratio both windows must exceed: `factor · budget`. */
  readonly threshold: number
  /** `threshold` as a plain decimal (what the generated rules compare with). */
  readonly thresholdText: string
}

/**
 * The multi-window rows of a period with their factors (the workbook's method generalised to any period): each
 * row keeps its 30-day factor (14.4, 6, 3, 1) as long as the long window spends at most the whole budget at that
 * factor; otherwise its factor is `period / long` (the long window spends exactly the budget). Rows whose long
 * window is longer than the period are left out. Every factor is therefore ≥ 1: a constant burn ≤ 1 never alerts.
 *
 * @example
 * burnThresholds(30 * 86400, 1_000_000).map((t) => t.factor) // [14.4, 6, 3, 1]
 * burnThresholds(86400, 1_000_000).map((t) => t.factor) // [14.4, 4, 1]
 */
export function burnThresholds(periodSeconds: number, budgetPpb: number): BurnThreshold[] {
  const period = BigInt(periodSeconds)
  const budget: Rational = { num: BigInt(budgetPpb), den: 1_000_000_000n }
  const out: BurnThreshold[] = []
  for (const pair of BURN_ALERT_PAIRS) {
    const long = BigInt(WINDOW_SECONDS.get(pair.long)!)
    if (long > period) continue
    const workbook = decimalRational(pair.factor)
    const whole: Rational = { num: period, den: long }
    const factor = lessThan(whole, workbook) ? whole : workbook
    const factorText = formatRational(factor)
    const thresholdText = formatRational(multiply(factor, budget), 18)
    out.push({
      pair,
      budgetFraction: Number(formatRational(multiply(factor, { num: long, den: period }), 12)),
      factor: Number(factorText),
      factorText,
      threshold: Number(thresholdText),
      thresholdText,
    })
  }
  return out
}

/**
 * An error ratio rounded to 12 decimal places exactly as PromQL's `round(v, 1e-12)` does, so the in-process
 * comparison with a threshold and the generated rule's agree at the boundary (float noise of a ratio such as
 * 0.006000000000000001 is not an excess).
 *
 * @example
 * roundRatio(0.006000000000000001) // 0.006
 */
export function roundRatio(ratio: number): number {
  return Math.floor(ratio * RATIO_INVERSE + 0.5) / RATIO_INVERSE
}

/** The `to_nearest` of the generated rules' `round()`. */
export const RATIO_ROUNDING = '1e-12'
const RATIO_INVERSE = 1 / Number(RATIO_ROUNDING)
