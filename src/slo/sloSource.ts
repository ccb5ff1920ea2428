import type { WindowCounts } from './evaluateSlo.ts'
import type { SloDefinition } from './sloModel.ts'

/** Good/total events of one step of a burndown series. */
export interface StepCounts {
  /** Step start, epoch ms. */
  readonly start: number
  readonly good: number
  readonly total: number
}

/**
 * Where an SLO's good/total counts come from. Two implementations: the in-process source (this process's
 * requests, in persisted time buckets) and the Prometheus source (the same PromQL as the generated rules).
 *
 * @example
 * const counts = await source.counts('acme', slo, Date.now())
 * evaluateSlo(slo, counts).status
 */
export interface SloSource {
  readonly kind: 'in-process' | 'prometheus'
  /** Counts over the standard windows and the SLO's period, ending at `nowMs`. */
  counts(tenant: string, slo: SloDefinition, nowMs: number): Promise<WindowCounts>
  /** Counts per step of `stepMs` over `[fromMs, toMs)`, oldest first (burndown). */
  steps(
    tenant: string,
    slo: SloDefinition,
    fromMs: number,
    toMs: number,
    stepMs: number,
  ): Promise<StepCounts[]>
  /**
   * Where the windows of `counts(…, nowMs)` end (the in-process source ends them with the current bucket).
   * Default: `nowMs`. The burndown covers the same period window, so its last point is the period's figure.
   */
  windowEnd?(nowMs: number): number
  /** Tenants that had traffic recently (for the evaluator). */
  tenants(nowMs: number): Promise<string[]>
}
