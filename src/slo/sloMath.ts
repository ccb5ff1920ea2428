/**
 * The error-budget arithmetic, as small pure functions. Zero traffic is never an error:
 * no requests means nothing failed (error ratio 0, compliance 1, burn 0), so it can never raise an alarm.
 */

/** Good and total events of one window. */
export interface GoodTotal {
  readonly good: number
  readonly total: number
}

/**
 * Share of bad events: `(total − good) / total`; 0 without traffic. Clamped to [0, 1] (Prometheus rates of
 * counters reset at different moments can make `good` exceed `total` for a scrape).
 *
 * @example
 * errorRatio({ good: 999, total: 1000 }) // 0.001
 * errorRatio({ good: 0, total: 0 }) // 0
 */
export function errorRatio(counts: GoodTotal): number {
  if (!(counts.total > 0)) return 0
  const ratio = round12((counts.total - counts.good) / counts.total)
  return Math.min(Math.max(ratio, 0), 1)
}

/**
 * Share of good events, `1 − errorRatio`; 1 without traffic.
 *
 * @example
 * compliance({ good: 995, total: 1000 }) // 0.995
 */
export function compliance(counts: GoodTotal): number {
  return round12(1 - rawErrorRatio(counts))
}

/**
 * The unrounded error ratio `(total − good) / total` clamped to [0, 1] (0 without traffic): what burn-rate
 * comparisons use, rounded the way the generated rules round.
 *
 * @example
 * rawErrorRatio({ good: 2, total: 3 }) // 0.3333333333333333
 */
export function rawErrorRatio(counts: GoodTotal): number {
  if (!(counts.total > 0)) return 0
  return Math.min(Math.max((counts.total - counts.good) / counts.total, 0), 1)
}

/**
 * Burn rate from counts and a budget in parts per billion, rounded once: `bad / (total · budget)`.
 *
 * @example
 * burnRateOf({ good: 9856, total: 10000 }, 1_000_000) // 14.4
 */
export function burnRateOf(counts: GoodTotal, budgetPpb: number): number {
  if (!(counts.total > 0) || !(budgetPpb > 0)) return 0
  const bad = Math.min(Math.max(counts.total - counts.good, 0), counts.total)
  return round12((bad * 1e9) / (counts.total * budgetPpb))
}

/**
 * Share of the budget left from the period's counts, rounded once: `(total · budget − bad) / (total · budget)`.
 *
 * @example
 * budgetRemainingOf({ good: 9995, total: 10000 }, 1_000_000) // 0.5
 */
export function budgetRemainingOf(counts: GoodTotal, budgetPpb: number): number {
  if (!(counts.total > 0) || !(budgetPpb > 0)) return 1
  const bad = Math.min(Math.max(counts.total - counts.good, 0), counts.total)
  const allowed = counts.total * budgetPpb
  return round12((allowed - bad * 1e9) / allowed)
}

/**
 * How many times faster than sustainable the budget burns: `errorRatio / budget` (1 spends exactly the
 * budget over the period).
 *
 * @example
 * burnRate(0.0144, 0.001) // 14.4
 */
export function burnRate(ratio: number, budget: number): number {
  return budget > 0 ? round12(ratio / budget) : 0
}

/**
 * Share of the period's budget left: `1 − errorRatio(T) / budget`. Negative once overspent.
 *
 * @example
 * budgetRemaining(0.0005, 0.001) // 0.5
 */
export function budgetRemaining(periodRatio: number, budget: number): number {
  return round12(1 - burnRate(periodRatio, budget))
}

/**
 * Share of the whole period's budget spent per hour at a burn rate: `burn · 1h / T`.
 *
 * @example
 * budgetBurnPerHour(14.4, 30 * 86400) // 0.02 (2 % of the budget per hour)
 */
export function budgetBurnPerHour(rate: number, periodSeconds: number): number {
  return round12((rate * 3600) / periodSeconds)
}

/**
 * Seconds until the remaining budget is gone at a constant burn rate: `remaining · T / burn`. 0 when
 * already exhausted; `null` when the budget is not burning (burn ≤ 0).
 *
 * @example
 * timeToExhaustion(0.5, 2, 30 * 86400) // 648000 (7.5 days)
 */
export function timeToExhaustion(remaining: number, rate: number, periodSeconds: number): number | null {
  if (remaining <= 0) return 0
  if (!(rate > 0)) return null
  return round12((remaining * periodSeconds) / rate)
}

/**
 * Rounds to 12 significant digits, so figures read as computed by hand (0.0144 / 0.001 is 14.4, not
 * 14.399999999999999) and a burn exactly at a factor does not cross it by floating-point noise.
 *
 * @example
 * round12(0.1 + 0.2) // 0.3
 */
export function round12(n: number): number {
  return Number.isFinite(n) ? Number(n.toPrecision(12)) : n
}
