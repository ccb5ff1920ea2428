import type { ResolvedConfig } from '../config/schema.ts'
import type { Conventions } from '../metrics/conventions.ts'
import { burnThresholds, RATIO_ROUNDING } from './burnThresholds.ts'
import { BURN_WINDOWS, type BurnSeverity, SLO_ALERT_NAME, SLO_LABELS, SLO_RULE_NAMES } from './conventions.ts'
import { effectiveBuckets, latencyThresholds, mergeSloBuckets } from './effectiveBuckets.ts'
import { formatPpb } from './exactDecimal.ts'
import { lookoutRoutes } from './lookoutRoutes.ts'
import { oneOf, selector } from './promql.ts'
import { sliQueries, type TenantScope } from './sliQueries.ts'
import { type SloDefinition, type SloModel, sameSlo } from './sloModel.ts'

/** A Prometheus recording rule. */
export interface RecordingRule {
  readonly record: string
  readonly expr: string
  readonly labels?: Readonly<Record<string, string>>
}

/** A Prometheus alerting rule. */
export interface AlertingRule {
  readonly alert: string
  readonly expr: string
  readonly for?: string
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
}

/** A rule group of a Prometheus rule file. */
export interface RuleGroup {
  readonly name: string
  readonly interval?: string
  readonly rules: readonly (RecordingRule | AlertingRule)[]
}

/** What {@link generateSloRules} returns: the rule file's groups, and what could not be expressed. */
export interface SloRules {
  readonly groups: readonly RuleGroup[]
  /** E.g. tenant overrides skipped because the HTTP metrics have no tenant label. Not part of the file. */
  readonly warnings: readonly string[]
}

/** Options of {@link generateSloRules}. */
export interface GenerateSloRulesOptions {
  /** Metric names and labels to query. Default `prometheus`. */
  readonly conventions?: Conventions
  /**
   * Boundaries of the HTTP duration histogram (use `effectiveBuckets(config)`). When given, a latency threshold
   * that is not among them throws `LOOKOUT_ERR_SLO_BUCKET`: the rule could never measure it.
   */
  readonly buckets?: readonly number[]
  /** The HTTP metrics carry `tenant`: rules aggregate per tenant and honour tenant overrides. Default `false`. */
  readonly tenantLabel?: boolean
  /** `service` label on every recorded series and alert (and in group names). Default none. */
  readonly service?: string
  /** Extra equality matchers on every HTTP selector, e.g. `{ job: 'identity' }`. */
  readonly selector?: Readonly<Record<string, string>>
  /** Runbook link; `{slo}` and `{tenant}` are substituted. */
  readonly runbookUrl?: string
  /** Dashboard link; `{slo}` and `{tenant}` are substituted. */
  readonly dashboardUrl?: string
  /** Evaluation interval of the groups, e.g. `30s`. Default: Prometheus' global interval. */
  readonly interval?: string
  /** Extra labels on every alert (e.g. `team`). */
  readonly alertLabels?: Readonly<Record<string, string>>
  /** Routes no SLO counts (templates, `*` suffix = prefix). `sloRuleOptions` passes Lookout's own routes. */
  readonly excludeRoutes?: readonly string[]
}

interface Variant {
  readonly slo: SloDefinition
  readonly scope: TenantScope
  /** Fixed tenant label on metadata/alerts of an override variant. */
  readonly tenant: string | undefined
}

/**
 * Prometheus rules for every SLO of a model (pure): per SLO a group of error-ratio recording rules
 * (`slo:sli_error:ratio_rate5m` … `ratio_rate3d` and the period), a group of metadata rules (objective, budget,
 * remaining budget, burn rates) and a group of multi-window multi-burn-rate alerts (`page`: 1h&5m, 6h&30m;
 * `ticket`: 1d&2h, 3d&6h; factors from the period). With `tenantLabel`, series are per tenant and each tenant
 * override that changes an SLO gets its own rules (the default rules exclude that tenant).
 *
 * @example
 * const rules = generateSloRules(loadSloModel(config), sloRuleOptions(config))
 * writeFileSync('slo-rules.yaml', sloRulesToYaml(rules))
 */
export function generateSloRules(model: SloModel, options: GenerateSloRulesOptions = {}): SloRules {
  if (options.buckets !== undefined) mergeSloBuckets(options.buckets, latencyThresholds(model), true)
  const warnings: string[] = []
  const tenantLabel = options.tenantLabel === true
  const groups: RuleGroup[] = []
  const names = new Set<string>(model.defaults.map((s) => s.name))
  for (const list of Object.values(model.tenants)) for (const s of list) names.add(s.name)

  for (const name of [...names].sort()) {
    const variants: Variant[] = []
    const base = model.defaults.find((s) => s.name === name)
    const overrides: [string, SloDefinition | undefined][] = Object.entries(model.tenants)
      .map(
        ([tenant, list]) =>
          [tenant, list.find((s) => s.name === name)] as [string, SloDefinition | undefined],
      )
      .filter(([, def]) => base === undefined || def === undefined || !sameSlo(def, base))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    if (!tenantLabel) {
      if (overrides.length > 0)
        warnings.push(
          `SLO "${name}": tenant overrides (${overrides.map(([t]) => t).join(', ')}) need metrics.tenantLabel; ` +
            'the rules use the defaults',
        )
      if (base !== undefined) variants.push({ slo: base, scope: { kind: 'all' }, tenant: undefined })
    } else {
      if (base !== undefined)
        variants.push({
          slo: base,
          scope: { kind: 'except', tenants: overrides.map(([t]) => t) },
          tenant: undefined,
        })
      for (const [tenant, def] of overrides) {
        if (def !== undefined) variants.push({ slo: def, scope: { kind: 'only', tenant }, tenant })
      }
    }
    if (variants.length === 0) continue
    const id = options.service === undefined ? name : `${options.service}-${name}`
    groups.push(
      withInterval(
        { name: `lookout-slo-sli-${id}`, rules: variants.flatMap((v) => sliRules(v, options)) },
        options,
      ),
      withInterval(
        { name: `lookout-slo-meta-${id}`, rules: variants.flatMap((v) => metaRules(v, options)) },
        options,
      ),
      withInterval(
        { name: `lookout-slo-alerts-${id}`, rules: variants.flatMap((v) => alertRules(v, options)) },
        options,
      ),
    )
  }
  return { groups, warnings }
}

/**
 * {@link GenerateSloRulesOptions} from a resolved config: its conventions, effective buckets, tenant label,
 * service, Prometheus selector and alert links.
 *
 * @example
 * generateSloRules(loadSloModel(config), sloRuleOptions(config))
 */
export function sloRuleOptions(config: ResolvedConfig): GenerateSloRulesOptions {
  return {
    conventions: config.metrics.conventions,
    buckets: effectiveBuckets(config),
    tenantLabel: config.metrics.tenantLabel,
    service: config.service,
    selector: config.slo.prometheusSelector,
    runbookUrl: config.slo.runbookUrl,
    dashboardUrl: config.slo.dashboardUrl,
    excludeRoutes: lookoutRoutes(config),
  }
}

function withInterval(group: RuleGroup, options: GenerateSloRulesOptions): RuleGroup {
  return options.interval === undefined
    ? group
    : { name: group.name, interval: options.interval, rules: group.rules }
}

/** Static labels of recorded series; an override variant also pins its tenant (distinct rules for promtool). */
function seriesLabels(v: Variant, options: GenerateSloRulesOptions): Record<string, string> {
  const labels: Record<string, string> = { [SLO_LABELS.slo]: v.slo.name }
  if (options.service !== undefined) labels[SLO_LABELS.service] = options.service
  if (v.tenant !== undefined) labels[SLO_LABELS.tenant] = v.tenant
  return labels
}

/** Matchers that select this variant's recorded series. */
function recordedSelector(v: Variant, options: GenerateSloRulesOptions, metric: string): string {
  const matchers = Object.entries(seriesLabels(v, options)).map(([label, value]) => oneOf(label, [value]))
  if (v.scope.kind === 'except' && v.scope.tenants.length > 0)
    matchers.push(oneOf(SLO_LABELS.tenant, v.scope.tenants, true))
  return selector(metric, matchers)
}

function sliRules(v: Variant, options: GenerateSloRulesOptions): RecordingRule[] {
  const queries = sliQueries(v.slo, options, v.scope)
  const labels = seriesLabels(v, options)
  const windows = [...BURN_WINDOWS.map((w) => w.name)]
  if (!windows.includes(v.slo.period)) windows.push(v.slo.period)
  return windows.map((w) => ({ record: SLO_RULE_NAMES.errorRatio(w), expr: queries.errorRatio(w), labels }))
}

function metaRules(v: Variant, options: GenerateSloRulesOptions): RecordingRule[] {
  const labels = seriesLabels(v, options)
  const budget = formatPpb(v.slo.budgetPpb)
  const period = recordedSelector(v, options, SLO_RULE_NAMES.errorRatio(v.slo.period))
  return [
    {
      record: SLO_RULE_NAMES.objective,
      expr: `vector(${formatPpb(1_000_000_000 - v.slo.budgetPpb)})`,
      labels,
    },
    { record: SLO_RULE_NAMES.errorBudget, expr: `vector(${budget})`, labels },
    {
      record: SLO_RULE_NAMES.currentBurnRate,
      expr: `${recordedSelector(v, options, SLO_RULE_NAMES.errorRatio('5m'))} / ${budget}`,
      labels,
    },
    { record: SLO_RULE_NAMES.periodBurnRate, expr: `${period} / ${budget}`, labels },
    { record: SLO_RULE_NAMES.periodBudgetRemaining, expr: `1 - ${period} / ${budget}`, labels },
  ]
}

function alertRules(v: Variant, options: GenerateSloRulesOptions): AlertingRule[] {
  const out: AlertingRule[] = []
  const rows = burnThresholds(v.slo.periodSeconds, v.slo.budgetPpb)
  const budget = formatPpb(v.slo.budgetPpb)
  for (const severity of ['page', 'ticket'] as BurnSeverity[]) {
    // Ratios are rounded as the in-process comparison rounds them, so both fire at the same boundary.
    const round = (sel: string) => `round(${sel}, ${RATIO_ROUNDING})`
    const clauses = rows
      .filter((r) => r.pair.severity === severity)
      .map((r) => {
        const long = round(recordedSelector(v, options, SLO_RULE_NAMES.errorRatio(r.pair.long)))
        const short = round(recordedSelector(v, options, SLO_RULE_NAMES.errorRatio(r.pair.short)))
        return {
          text: `(\n  ${long} > ${r.thresholdText}\nand\n  ${short} > ${r.thresholdText}\n)`,
          factor: r.factorText,
          pair: r.pair,
        }
      })
    if (clauses.length === 0) continue
    const tenantRef = v.tenant ?? (options.tenantLabel === true ? '{{ $labels.tenant }}' : '')
    const link = (template: string | undefined) =>
      template?.replaceAll('{slo}', v.slo.name).replaceAll('{tenant}', tenantRef)
    const annotations: Record<string, string> = {
      summary: `${options.service ?? 'service'} SLO ${v.slo.name} is burning its error budget too fast${
        options.tenantLabel === true ? ' for tenant {{ $labels.tenant }}' : ''
      }`,
      description:
        `${v.slo.description} over ${v.slo.period}. ` +
        `Fires when the error ratio over ${clauses.map((c) => `${c.pair.long}&${c.pair.short} > ${c.factor}×`).join(' or ')} the ` +
        `${budget} budget (${severity}).`,
    }
    const runbook = link(options.runbookUrl)
    const dashboard = link(options.dashboardUrl)
    if (runbook !== undefined) annotations.runbook_url = runbook
    if (dashboard !== undefined) annotations.dashboard_url = dashboard
    const labels: Record<string, string> = {
      ...options.alertLabels,
      ...seriesLabels(v, options),
      [SLO_LABELS.severity]: severity,
      [SLO_LABELS.kind]: v.slo.kind,
    }
    out.push({ alert: SLO_ALERT_NAME, expr: clauses.map((c) => c.text).join('\nor\n'), labels, annotations })
  }
  return out
}
