import { deepFreeze } from '../config/resolveConfig.ts'
import { type SloProblem, sloInvalidError } from '../errors.ts'
import { KNOWN_METHODS } from '../http/methods.ts'
import { formatDuration, parseDuration } from './duration.ts'
import type { SloDefinition, SloModel } from './sloModel.ts'
import { DEFAULT_SLOS, type SloDocument, type SloSpec } from './sloSpec.ts'

const NAME = /^[a-z][a-z0-9_-]{0,62}$/
const TENANT = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/
const STATUS = /^([1-5]xx|[1-5][0-9][0-9])$/
const DAY = 86_400

/**
 * Validates SLO declarations into a frozen {@link SloModel}. Defaults are `DEFAULT_SLOS` when `slos` is
 * omitted; each tenant entry is merged by name onto the defaults (`enabled: false` removes one). Throws
 * `LOOKOUT_ERR_SLO_INVALID` listing every problem (scope, SLO, field, what is accepted).
 *
 * @example
 * const model = buildSloModel({
 *   slos: [{ name: 'availability', kind: 'availability', objective: 99.9 }],
 *   tenants: { acme: [{ name: 'availability', objective: 99.95 }] },
 * })
 */
export function buildSloModel(document: SloDocument = {}): SloModel {
  const problems: SloProblem[] = []
  const defaults = resolveList('defaults', document.slos ?? DEFAULT_SLOS, [], problems)
  const tenants: Record<string, SloDefinition[]> = {}
  for (const [tenant, specs] of Object.entries(document.tenants ?? {})) {
    if (!TENANT.test(tenant)) {
      problems.push({
        scope: tenant,
        slo: '*',
        field: 'tenant',
        message: 'a tenant id of letters, digits, "_", "." or "-" (at most 64)',
      })
      continue
    }
    tenants[tenant] = resolveList(tenant, specs, defaults, problems)
  }
  if (problems.length > 0) throw sloInvalidError(problems)
  return deepFreeze({ defaults, tenants }) as SloModel
}

/**
 * Validates one tenant's override list against a model's defaults (the `PUT config` API uses it).
 * Throws `LOOKOUT_ERR_SLO_INVALID`.
 *
 * @example
 * resolveTenantSlos(model, 'acme', [{ name: 'latency-p95', threshold: '500ms' }])
 */
export function resolveTenantSlos(
  model: SloModel,
  tenant: string,
  specs: readonly SloSpec[],
): readonly SloDefinition[] {
  const problems: SloProblem[] = []
  if (!TENANT.test(tenant))
    problems.push({ scope: tenant, slo: '*', field: 'tenant', message: 'an invalid tenant id' })
  const list = resolveList(tenant, specs, model.defaults, problems)
  if (problems.length > 0) throw sloInvalidError(problems)
  return deepFreeze(list)
}

function resolveList(
  scope: string,
  specs: readonly SloSpec[],
  base: readonly SloDefinition[],
  problems: SloProblem[],
): SloDefinition[] {
  const out = new Map<string, SloDefinition>()
  for (const def of base) out.set(def.name, def)
  const seen = new Set<string>()
  for (const spec of specs) {
    if (seen.has(spec.name)) {
      problems.push({ scope, slo: spec.name, field: 'name', message: 'declared twice' })
      continue
    }
    seen.add(spec.name)
    if (spec.enabled === false) {
      out.delete(spec.name)
      continue
    }
    const inherited = base.find((d) => d.name === spec.name)
    const resolved = resolveOne(scope, spec, inherited, problems)
    if (resolved !== undefined) out.set(spec.name, resolved)
  }
  return [...out.values()]
}

function resolveOne(
  scope: string,
  spec: SloSpec,
  inherited: SloDefinition | undefined,
  problems: SloProblem[],
): SloDefinition | undefined {
  const before = problems.length
  const bad = (field: string, message: string) => problems.push({ scope, slo: spec.name, field, message })
  if (!NAME.test(spec.name)) bad('name', 'lower-case letters, digits, "_" or "-", starting with a letter')

  const kind = spec.kind ?? inherited?.kind
  if (kind === undefined) bad('kind', 'required: "availability" or "latency"')
  if (inherited !== undefined && spec.kind !== undefined && spec.kind !== inherited.kind)
    bad('kind', `cannot change the kind of the inherited SLO (${inherited.kind})`)

  const objectivePercent = spec.objective ?? inherited?.objectivePercent
  const objectiveMicro = objectivePercent === undefined ? undefined : Math.round(objectivePercent * 1e6)
  if (objectivePercent === undefined) bad('objective', 'required: a percentage such as 99.9')
  else if (!(objectivePercent >= 1 && objectivePercent < 100))
    bad('objective', 'a percentage with 1 ≤ objective < 100 (99.9, not 0.999)')
  else if (objectiveMicro! / 1e6 !== objectivePercent || objectiveMicro! >= 100_000_000)
    bad('objective', 'a percentage with at most 6 decimals (99.999999 at most)')

  let periodSeconds = inherited?.periodSeconds ?? 30 * DAY
  if (spec.period !== undefined) {
    const p = parseDuration(spec.period)
    if (p === undefined || !Number.isInteger(p) || p < DAY || p > 365 * DAY)
      bad('period', 'a whole duration between 1d and 365d, e.g. "30d" or "4w"')
    else periodSeconds = p
  }

  let thresholdSeconds = inherited?.thresholdSeconds
  if (spec.threshold !== undefined) {
    const t = parseDuration(spec.threshold)
    if (t === undefined || t > 3600)
      bad('threshold', 'a duration such as "300ms" or "1.5s", or seconds (≤ 1h)')
    else thresholdSeconds = t
  }
  if (kind === 'latency' && thresholdSeconds === undefined)
    bad('threshold', 'required for latency SLOs, e.g. "300ms"')
  if (kind === 'availability' && spec.threshold !== undefined)
    bad('threshold', 'only latency SLOs have a threshold')

  let errorStatuses = inherited?.errorStatuses ?? (kind === 'availability' ? ['5xx'] : [])
  if (spec.errorStatuses !== undefined) {
    if (kind !== 'availability') bad('errorStatuses', 'only availability SLOs have error statuses')
    const wrong = spec.errorStatuses.filter((s) => !STATUS.test(s.toLowerCase()))
    if (wrong.length > 0 || spec.errorStatuses.length === 0)
      bad('errorStatuses', 'one or more of "5xx"-style classes or exact codes such as "429"')
    errorStatuses = [...new Set(spec.errorStatuses.map((s) => s.toLowerCase()))].sort()
  }

  let routes = inherited?.routes
  if (spec.routes !== undefined) {
    if (spec.routes.length === 0 || spec.routes.some((r) => !r.startsWith('/') || r.includes('"')))
      bad('routes', 'one or more route templates starting with "/" (omit to count every route)')
    routes = [...new Set(spec.routes)].sort()
  }
  let methods = inherited?.methods
  if (spec.methods !== undefined) {
    const upper = spec.methods.map((m) => m.toUpperCase())
    if (upper.length === 0 || upper.some((m) => !KNOWN_METHODS.has(m)))
      bad('methods', `one or more of ${[...KNOWN_METHODS].join(', ')} (omit to count every method)`)
    methods = [...new Set(upper)].sort()
  }

  if (problems.length > before || kind === undefined || objectivePercent === undefined) return undefined
  // Parts per billion: the objective has at most 6 decimals as a percentage, so budgets are exact integers.
  const budgetPpb = 1_000_000_000 - objectiveMicro! * 10
  const objective = (1_000_000_000 - budgetPpb) / 1e9
  const budget = budgetPpb / 1e9
  const description =
    spec.description ??
    (inherited !== undefined && spec.objective === undefined && spec.threshold === undefined
      ? inherited.description
      : describe(kind, objectivePercent, thresholdSeconds))
  return {
    name: spec.name,
    kind,
    objective,
    objectivePercent,
    budget,
    budgetPpb,
    period: formatDuration(periodSeconds),
    periodSeconds,
    thresholdSeconds: kind === 'latency' ? thresholdSeconds : undefined,
    routes,
    methods,
    errorStatuses: kind === 'availability' ? errorStatuses : [],
    description,
  }
}

function describe(kind: 'availability' | 'latency', percent: number, threshold: number | undefined): string {
  if (kind === 'availability') return `${round(percent)}% of requests succeed`
  const t = threshold! < 1 ? `${round(threshold! * 1000)}ms` : `${threshold}s`
  return `${round(percent)}% of requests complete within ${t}`
}

/** 12 significant digits: 99.9 / 100 is 0.9990000000000001 in floating point; rules want 0.999. */
function round(n: number): number {
  return Number(n.toPrecision(12))
}
