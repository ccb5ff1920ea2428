import type { SloKind } from './sloSpec.ts'

/**
 * One validated SLO: every field resolved, numbers normalised (12 significant digits), deep-frozen.
 *
 * @example
 * // from { name: 'latency-p95', kind: 'latency', objective: 95, threshold: '300ms' }
 * { name: 'latency-p95', kind: 'latency', objective: 0.95, objectivePercent: 95, budget: 0.05, budgetPpb: 50000000,
 *   period: '30d', periodSeconds: 2592000, thresholdSeconds: 0.3, routes: undefined, methods: undefined,
 *   errorStatuses: [], description: 'p95 ≤ 300ms' }
 */
export interface SloDefinition {
  readonly name: string
  readonly kind: SloKind
  /** Objective as a ratio (0.999). */
  readonly objective: number
  /** Objective as declared (99.9). */
  readonly objectivePercent: number
  /** Error budget as a ratio: `1 − objective` (0.001). */
  readonly budget: number
  /** Error budget in parts per billion, an integer (1 000 000 for 0.001): exact arithmetic and rule text. */
  readonly budgetPpb: number
  /** Period as a Prometheus duration (`30d`). */
  readonly period: string
  readonly periodSeconds: number
  /** Latency only: good requests take at most this long (seconds). */
  readonly thresholdSeconds: number | undefined
  /** Route templates counted; `undefined` = all. */
  readonly routes: readonly string[] | undefined
  /** Methods counted; `undefined` = all. */
  readonly methods: readonly string[] | undefined
  /** Availability only: error statuses (`5xx` classes or exact codes); empty for latency SLOs. */
  readonly errorStatuses: readonly string[]
  readonly description: string
}

/**
 * The validated SLO model: the default SLOs every tenant gets, and the resolved list of each tenant that has
 * overrides.
 *
 * @example
 * const model = buildSloModel({ slos: DEFAULT_SLOS, tenants: { acme: [{ name: 'availability', objective: 99.95 }] } })
 * sloForTenant(model, 'acme')[0].objective // 0.9995
 */
export interface SloModel {
  readonly defaults: readonly SloDefinition[]
  readonly tenants: Readonly<Record<string, readonly SloDefinition[]>>
}

/**
 * The SLOs that apply to a tenant: its overrides when it has any, the defaults otherwise.
 *
 * @example
 * sloForTenant(model, 'globex') // model.defaults
 */
export function sloForTenant(model: SloModel, tenant: string): readonly SloDefinition[] {
  return Object.hasOwn(model.tenants, tenant) ? model.tenants[tenant]! : model.defaults
}

/**
 * Whether two definitions measure and judge the same thing (used to find which tenants really override an SLO).
 *
 * @example
 * sameSlo(model.defaults[0], model.tenants.acme[0]) // false when acme raised the objective
 */
export function sameSlo(a: SloDefinition, b: SloDefinition): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
