import type * as cog from '@grafana/grafana-foundation-sdk/cog'
import {
  AnnotationQueryBuilder,
  type Dashboard,
  DashboardBuilder,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard'
import { PanelBuilder as LogsPanel } from '@grafana/grafana-foundation-sdk/logs'
import { DataqueryBuilder as LokiQuery } from '@grafana/grafana-foundation-sdk/loki'
import { DataqueryBuilder as PromQuery } from '@grafana/grafana-foundation-sdk/prometheus'
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat'
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table'
import { DataqueryBuilder as TempoQuery } from '@grafana/grafana-foundation-sdk/tempo'
import { TextMode, PanelBuilder as TextPanel } from '@grafana/grafana-foundation-sdk/text'
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries'
import {
  DATASOURCE_VARIABLES,
  type DashboardSpec,
  type PanelSpec,
  type VariableSpec,
} from './dashboardSpec.ts'
import type { GenerateSettings } from './generateSettings.ts'

type AnyPanelBuilder = TimeseriesPanel | StatPanel | TablePanel | LogsPanel | TextPanel

const DATASOURCE_OF = { promql: 'prometheus', logql: 'loki', traceql: 'tempo' } as const

/**
 * Renders a {@link DashboardSpec} as Grafana dashboard JSON with the Grafana Foundation SDK's typed builders:
 * `id: null`, the spec's stable uid, datasource variables defaulting to the provisioned uids (panels reference
 * `${datasource}`), explicit grid positions (24 columns) and ids, `$__rate_interval` in every rate.
 *
 * @example
 * const json = renderDashboard(apiOverviewDashboard(model), model.settings)
 * writeFileSync('api.json', `${JSON.stringify(json, null, 2)}\n`)
 */
export function renderDashboard(spec: DashboardSpec, settings: GenerateSettings): Dashboard {
  const builder = new DashboardBuilder(spec.title)
    .id(null)
    .uid(spec.uid)
    .description(spec.description)
    .tags([...spec.tags])
    .timezone('browser')
    .refresh(settings.grafana.refresh)
    .time({ from: spec.from, to: 'now' })
    .editable()
  for (const v of spec.variables) builder.withVariable(variable(v, settings))
  const promVariable = spec.variables.some((v) => v.name === DATASOURCE_VARIABLES.prometheus)
  for (const a of spec.annotations ?? []) {
    // Dashboards without a Prometheus datasource variable point at the provisioned Prometheus directly.
    const uid = promVariable ? `\${${DATASOURCE_VARIABLES.prometheus}}` : settings.grafana.prometheus.uid
    builder.annotation(
      new AnnotationQueryBuilder()
        .name(a.name)
        .datasource({ type: 'prometheus', uid })
        .enable(true)
        .iconColor(a.iconColor)
        .expr(a.expr)
        .step(a.step)
        .titleFormat(a.titleFormat)
        .textFormat(a.textFormat),
    )
  }

  let y = 0
  let rowId = 1000
  for (const row of spec.rows) {
    builder.withRow(new RowBuilder(row.title).id(rowId++).gridPos({ x: 0, y, w: 24, h: 1 }))
    y += 1
    let x = 0
    let rowHeight = 0
    for (const panel of row.panels) {
      const w = panel.width ?? 12
      const h = panel.height ?? 8
      if (x + w > 24) {
        x = 0
        y += rowHeight
        rowHeight = 0
      }
      builder.withPanel(renderPanel(panel).gridPos({ x, y, w, h }))
      x += w
      rowHeight = Math.max(rowHeight, h)
    }
    y += rowHeight
  }
  return builder.build()
}

function variable(v: VariableSpec, settings: GenerateSettings): cog.Builder<never> {
  const uid = settings.grafana[v.datasource].uid
  if (v.kind === 'datasource') {
    return new DatasourceVariableBuilder(v.name)
      .label(v.label)
      .type(v.datasource)
      .current({ selected: true, text: uid, value: uid }) as unknown as cog.Builder<never>
  }
  const b = new QueryVariableBuilder(v.name)
    .label(v.label)
    .query(v.query ?? '')
    .definition(v.query ?? '')
    .datasource({ type: v.datasource, uid: `\${${DATASOURCE_VARIABLES[v.datasource]}}` })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .includeAll(v.includeAll === true)
    .multi(v.multi === true)
    .current({ selected: true, text: 'All', value: '$__all' })
  if (v.allValue !== undefined) b.allValue(v.allValue)
  return b as unknown as cog.Builder<never>
}

function renderPanel(panel: PanelSpec): AnyPanelBuilder {
  let b: AnyPanelBuilder
  switch (panel.type) {
    case 'timeseries':
      b = new TimeseriesPanel().fillOpacity(10).lineWidth(1)
      break
    case 'stat':
      b = new StatPanel()
      break
    case 'table':
      b = new TablePanel()
      break
    case 'logs':
      b = new LogsPanel().showTime(true).wrapLogMessage(true).enableLogDetails(true)
      break
    case 'text':
      b = new TextPanel().mode(TextMode.Markdown).content(panel.content ?? '')
      break
  }
  b.id(panel.id).title(panel.title).description(panel.description)
  if (panel.unit !== undefined) b.unit(panel.unit)
  if (panel.min !== undefined) b.min(panel.min)
  if (panel.max !== undefined) b.max(panel.max)
  if (panel.thresholds !== undefined) {
    b.thresholds(
      new ThresholdsConfigBuilder()
        .mode(ThresholdsMode.Absolute)
        .steps(panel.thresholds.map((t) => ({ ...t }))),
    )
  }
  if (panel.language === undefined) return b
  const type = DATASOURCE_OF[panel.language]
  b.datasource({ type, uid: `\${${DATASOURCE_VARIABLES[type]}}` })
  for (const q of panel.queries) {
    if (panel.language === 'promql') {
      const t = new PromQuery().refId(q.refId).expr(q.expr)
      if (q.legend !== undefined) t.legendFormat(q.legend)
      if (q.instant === true) t.instant()
      else t.range()
      b.withTarget(t)
    } else if (panel.language === 'logql') {
      const t = new LokiQuery().refId(q.refId).expr(q.expr)
      if (q.legend !== undefined) t.legendFormat(q.legend)
      b.withTarget(t)
    } else {
      b.withTarget(new TempoQuery().refId(q.refId).queryType('traceql').query(q.expr).limit(20))
    }
  }
  return b
}
