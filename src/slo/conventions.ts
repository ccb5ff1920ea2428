/**
 * Every name the SLO area emits, in one place (the sloth model): recording-rule names, alert names and labels,
 * and the gauges of the in-process evaluation. The rule generator, the Prometheus measurement source, the
 * gauges and the in-process burn alerts all read these constants.
 */

/** A standard burn-rate window: its label (`5m`) and length in seconds. */
export interface BurnWindow {
  readonly name: string
  readonly seconds: number
}

/** The standard error-ratio windows recorded for every SLO. */
export const BURN_WINDOWS: readonly BurnWindow[] = Object.freeze([
  Object.freeze({ name: '5m', seconds: 300 }),
  Object.freeze({ name: '30m', seconds: 1800 }),
  Object.freeze({ name: '1h', seconds: 3600 }),
  Object.freeze({ name: '2h', seconds: 7200 }),
  Object.freeze({ name: '6h', seconds: 21_600 }),
  Object.freeze({ name: '1d', seconds: 86_400 }),
  Object.freeze({ name: '3d', seconds: 259_200 }),
])

/** Alert severities of the multi-window table: `page` → status critical, `ticket` → status warning. */
export type BurnSeverity = 'page' | 'ticket'

/** One row of the multi-window multi-burn-rate table. */
export interface BurnAlertPair {
  /**
   * Burn rate both windows must exceed for a 30-day period (the workbook's 2 %, 5 %, 10 % and 10 % of the
   * budget in 1h, 6h, 1d and 3d). Other periods: see `burnThresholds`.
   */
  readonly factor: number
  readonly long: string
  readonly short: string
  readonly severity: BurnSeverity
}

/**
 * The multi-window multi-burn-rate table (Google SRE workbook, ch. 5), by its 30-day factors. A row spends
 * `factor · long / period` of the budget within its long window; `burnThresholds` gives each period's factors.
 */
export const BURN_ALERT_PAIRS: readonly BurnAlertPair[] = Object.freeze([
  Object.freeze({ factor: 14.4, long: '1h', short: '5m', severity: 'page' as const }),
  Object.freeze({ factor: 6, long: '6h', short: '30m', severity: 'page' as const }),
  Object.freeze({ factor: 3, long: '1d', short: '2h', severity: 'ticket' as const }),
  Object.freeze({ factor: 1, long: '3d', short: '6h', severity: 'ticket' as const }),
])

/** Recording-rule names (sloth's convention). */
export const SLO_RULE_NAMES = Object.freeze({
  /** `slo:sli_error:ratio_rate5m` … `ratio_rate3d`, and `ratio_rate30d` for the period. */
  errorRatio: (window: string): string => `slo:sli_error:ratio_rate${window}`,
  objective: 'slo:objective:ratio',
  errorBudget: 'slo:error_budget:ratio',
  periodBudgetRemaining: 'slo:period_error_budget_remaining:ratio',
  currentBurnRate: 'slo:current_burn_rate:ratio',
  periodBurnRate: 'slo:period_burn_rate:ratio',
})

/** Alert name of every burn-rate alert (generated and in-process); `severity` tells page from ticket. */
export const SLO_ALERT_NAME = 'SloErrorBudgetBurn'

/** Labels put on recorded series and alerts. */
export const SLO_LABELS = Object.freeze({
  slo: 'slo',
  service: 'service',
  tenant: 'tenant',
  severity: 'severity',
  window: 'window',
  kind: 'slo_kind',
})

/** Gauges of the in-process evaluation. */
export const SLO_METRIC_NAMES = Object.freeze({
  compliance: 'lookout_slo_compliance_ratio',
  budgetRemaining: 'lookout_error_budget_remaining_ratio',
  burnRate: 'lookout_slo_burn_rate',
  /** Requests counted under `other` because the tenant budget of the in-process source was full. */
  tenantsFolded: 'lookout_slo_tenants_folded_total',
  /** Bucket increments lost because the store write failed past the pending cap. */
  bucketsDropped: 'lookout_slo_buckets_dropped_total',
  /** Measurements that failed (store or Prometheus unreachable). */
  measureErrors: 'lookout_slo_measure_errors_total',
})

/** Tenant value for requests that carry no tenant id. */
export const SLO_NO_TENANT = 'none'
/** Tenant value for tenants beyond `slo.maxTenants`. */
export const SLO_OTHER_TENANT = 'other'
