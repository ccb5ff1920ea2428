import { z } from 'zod'

/** What an SLO measures: the share of non-error responses, or the share of responses under a threshold. */
export type SloKind = 'availability' | 'latency'

/**
 * One SLO as a user declares it (in code, in the YAML file, or through `PUT /observability/slo/config/:tenant`).
 * In a tenant override every field but `name` is optional: the entry is merged onto the default SLO of the same
 * name (or, with a new name, must be complete).
 *
 * @example
 * { name: 'availability', kind: 'availability', objective: 99.9 }
 * { name: 'latency-p95', kind: 'latency', objective: 95, threshold: '300ms', routes: ['/users/:id'] }
 */
export interface SloSpec {
  /** Identifier, `[a-z][a-z0-9_-]*` (used as the `slo` label). */
  readonly name: string
  /** `availability` or `latency`. */
  readonly kind?: SloKind | undefined
  /** Target as a percentage, `1 ≤ objective < 100` (99.9 means 99.9 % good). */
  readonly objective?: number | undefined
  /** Latency only: the duration a good request stays under (`300ms`, `0.3s` or seconds as a number). */
  readonly threshold?: string | number | undefined
  /** Compliance period. Default `30d`. Between `1d` and `365d`. */
  readonly period?: string | undefined
  /** Only count these route templates (exact). Default: every route. */
  readonly routes?: readonly string[] | undefined
  /** Only count these methods. Default: every method. */
  readonly methods?: readonly string[] | undefined
  /** Availability only: statuses that count as errors, as `5xx` classes or exact codes. Default `['5xx']`. */
  readonly errorStatuses?: readonly string[] | undefined
  /** Free text shown in alerts and the API. */
  readonly description?: string | undefined
  /** `false` removes an inherited SLO in a tenant override. Default `true`. */
  readonly enabled?: boolean | undefined
}

/**
 * The zod shape of one {@link SloSpec} (structure only; meaning is checked by `buildSloModel`).
 *
 * @example
 * sloSpecSchema.parse({ name: 'availability', objective: 99.95 })
 */
export const sloSpecSchema = z
  .object({
    name: z.string().min(1).max(63),
    kind: z.enum(['availability', 'latency']).optional(),
    objective: z.number().finite().optional(),
    threshold: z.union([z.string().min(1).max(32), z.number().finite()]).optional(),
    period: z.string().min(1).max(16).optional(),
    routes: z.array(z.string().min(1).max(256)).max(100).optional(),
    methods: z.array(z.string().min(1).max(16)).max(20).optional(),
    errorStatuses: z.array(z.string().min(1).max(8)).max(50).optional(),
    description: z.string().max(500).optional(),
    enabled: z.boolean().optional(),
  })
  .strict()

/**
 * The YAML file (`LOOKOUT_SLO_FILE`) and the `slo` options share this document shape.
 *
 * @example
 * // slos.yaml
 * // slos:
 * //   - { name: availability, kind: availability, objective: 99.9 }
 * // tenants:
 * //   acme: [{ name: availability, objective: 99.95 }]
 */
export interface SloDocument {
  readonly slos?: readonly SloSpec[] | undefined
  readonly tenants?: Readonly<Record<string, readonly SloSpec[]>> | undefined
}

/** The zod shape of an {@link SloDocument}. */
export const sloDocumentSchema = z
  .object({
    slos: z.array(sloSpecSchema).max(100).optional(),
    tenants: z.record(z.array(sloSpecSchema).max(100)).optional(),
  })
  .strict()

/**
 * Per-tenant defaults: 99.9 % availability, p95 ≤ 300 ms and p99 ≤ 800 ms, over 30 days.
 *
 * @example
 * buildSloModel({ slos: DEFAULT_SLOS })
 */
export const DEFAULT_SLOS: readonly SloSpec[] = Object.freeze([
  Object.freeze({ name: 'availability', kind: 'availability' as const, objective: 99.9 }),
  Object.freeze({ name: 'latency-p95', kind: 'latency' as const, objective: 95, threshold: '300ms' }),
  Object.freeze({ name: 'latency-p99', kind: 'latency' as const, objective: 99, threshold: '800ms' }),
])
