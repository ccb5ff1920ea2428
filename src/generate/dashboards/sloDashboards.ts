import { BURN_ALERT_PAIRS, SLO_LABELS, SLO_RULE_NAMES } from '../../slo/conventions.ts'
import { formatPpb } from '../../slo/exactDecimal.ts'
import { type Matcher, oneOf, selector } from '../../slo/promql.ts'
import type { SloDefinition } from '../../slo/sloModel.ts'
import {
  DATASOURCE_VARIABLES,
  type DashboardSpec,
  type PanelSpec,
  type VariableSpec,
} from '../dashboardSpec.ts'
import type { GenerateModel } from '../generateModel.ts'
import { DASHBOARD_VARS } from '../queryKit.ts'
import { dashboardUid } from './dashboardUid.ts'

/**
 * One dashboard per SLO (defaults and tenant-only SLOs): SLI over the period, objective, remaining error budget,
 * burn rates over the alerting windows (each divided by the budget of the variant — default or tenant
 * override — that recorded it) and the error ratio. Reads only the series the SLO rules record.
 *
 * @example
 * sloDashboards(model).map((d) => d.uid) // ['lk-identity-service-slo-availability', …]
 */
export function sloDashboards(model: GenerateModel): DashboardSpec[] {
  const names = new Set(model.slos.defaults.map((s) => s.name))
  for (const list of Object.values(model.slos.tenants)) for (const s of list) names.add(s.name)
  return [...names].sort().map((name) => sloDashboard(model, name))
}

function sloDashboard(model: GenerateModel, name: string): DashboardSpec {
  const service = model.config.service
  const tenantLabel = model.config.metrics.tenantLabel
  const base = model.slos.defaults.find((s) => s.name === name)
  const overrides: [string, SloDefinition][] = tenantLabel
    ? Object.entries(model.slos.tenants)
        .flatMap(([t, list]) => {
          const def = list.find((s) => s.name === name)
          return def !== undefined && (base === undefined || JSON.stringify(def) !== JSON.stringify(base))
            ? [[t, def] as [string, SloDefinition]]
            : []
        })
        .sort(([a], [b]) => (a < b ? -1 : 1))
    : []
  const shown = base ?? overrides[0]![1]
  const matchers: Matcher[] = [
    { label: SLO_LABELS.slo, op: '=', value: name },
    { label: SLO_LABELS.service, op: '=', value: service },
  ]
  if (tenantLabel) matchers.push({ label: SLO_LABELS.tenant, op: '=~', value: DASHBOARD_VARS.tenant })
  const rec = (metric: string, extra: Matcher[] = []) => selector(metric, [...matchers, ...extra])
  const legend = tenantLabel ? `{{${SLO_LABELS.tenant}}}` : name
  /** `ratio / budget` per variant: the default's budget for all but the overriding tenants, theirs for them. */
  const burn = (window: string) => {
    const metric = SLO_RULE_NAMES.errorRatio(window)
    const parts: string[] = []
    if (base !== undefined) {
      const except =
        overrides.length > 0
          ? [
              oneOf(
                SLO_LABELS.tenant,
                overrides.map(([t]) => t),
                true,
              ),
            ]
          : []
      parts.push(`${rec(metric, except)} / ${formatPpb(base.budgetPpb)}`)
    }
    for (const [tenant, def] of overrides)
      parts.push(`${rec(metric, [oneOf(SLO_LABELS.tenant, [tenant])])} / ${formatPpb(def.budgetPpb)}`)
    return parts.length === 1 ? parts[0]! : parts.map((x) => `(${x})`).join('\nor\n')
  }
  const windows = [...new Set(BURN_ALERT_PAIRS.flatMap((p) => [p.short, p.long]))]
  let id = 0
  const p = (spec: Omit<PanelSpec, 'id' | 'language'>): PanelSpec => ({
    id: ++id,
    language: 'promql',
    ...spec,
  })
  const budgetThresholds = [
    { value: null, color: 'red' },
    { value: 0.25, color: 'orange' },
    { value: 0.5, color: 'green' },
  ]
  const panels = [
    p({
      title: 'SLI over the period',
      description: `${shown.description}: share of good events over ${shown.period}.`,
      type: 'stat',
      unit: 'percentunit',
      width: 8,
      queries: [
        { refId: 'A', expr: `1 - ${rec(SLO_RULE_NAMES.errorRatio(shown.period))}`, legend, instant: true },
      ],
    }),
    p({
      title: 'Objective',
      description: 'The target share of good events.',
      type: 'stat',
      unit: 'percentunit',
      width: 8,
      queries: [
        {
          refId: 'A',
          expr: `max(${selector(SLO_RULE_NAMES.objective, matchers.slice(0, 2))})`,
          legend: 'objective',
          instant: true,
        },
      ],
    }),
    p({
      title: 'Error budget remaining',
      description: `1 − error ratio over ${shown.period} / budget. Below 0 the SLO is breached.`,
      type: 'stat',
      unit: 'percentunit',
      width: 8,
      thresholds: budgetThresholds,
      queries: [{ refId: 'A', expr: rec(SLO_RULE_NAMES.periodBudgetRemaining), legend, instant: true }],
    }),
    p({
      title: 'Burn rate by window',
      description:
        'Error ratio divided by the budget over the alerting windows: 1 spends the budget exactly over the period; ' +
        `the page alert fires at ${BURN_ALERT_PAIRS[0]!.long}&${BURN_ALERT_PAIRS[0]!.short} above 14.4 (30-day period).`,
      type: 'timeseries',
      unit: 'short',
      width: 24,
      queries: windows.map((w, i) => ({
        refId: String.fromCharCode(65 + i),
        expr: burn(w),
        legend: tenantLabel ? `${w} {{${SLO_LABELS.tenant}}}` : w,
      })),
    }),
    p({
      title: 'Error budget remaining over time',
      description: 'How the remaining budget evolved; a steady fall means a steady burn.',
      type: 'timeseries',
      unit: 'percentunit',
      queries: [{ refId: 'A', expr: rec(SLO_RULE_NAMES.periodBudgetRemaining), legend }],
    }),
    p({
      title: 'Error ratio (5m)',
      description: 'Share of bad events over the last 5 minutes.',
      type: 'timeseries',
      unit: 'percentunit',
      queries: [{ refId: 'A', expr: rec(SLO_RULE_NAMES.errorRatio('5m')), legend }],
    }),
  ]
  const variables: VariableSpec[] = [
    {
      name: DATASOURCE_VARIABLES.prometheus,
      label: 'Prometheus',
      kind: 'datasource',
      datasource: 'prometheus',
    },
  ]
  if (tenantLabel) {
    variables.push({
      name: DASHBOARD_VARS.tenant.slice(1),
      label: 'Tenant',
      kind: 'query',
      datasource: 'prometheus',
      query: `label_values(${selector(SLO_RULE_NAMES.errorRatio('5m'), matchers.slice(0, 2))}, ${SLO_LABELS.tenant})`,
      includeAll: true,
      multi: true,
      allValue: '.*',
    })
  }
  return {
    uid: dashboardUid(service, `slo-${name}`),
    title: `${service} / SLO ${name}`,
    description: `${shown.description} (objective ${shown.objectivePercent}% over ${shown.period}; generated by Lookout).`,
    tags: ['lookout', service, 'slo'],
    file: `${service}-slo-${name}.json`,
    from: 'now-7d',
    variables,
    rows: [{ title: `SLO ${name}`, panels }],
  }
}
