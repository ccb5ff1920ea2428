/**
 * The data model of a generated dashboard, before it becomes Grafana JSON: what every panel shows and the exact
 * query behind it. The renderer (Grafana Foundation SDK builders), docs/dashboards.md and the end-to-end test
 * that evaluates every query all read this one model, so they cannot drift apart.
 */

/** Which backend a query runs against. */
export type QueryLanguage = 'promql' | 'logql' | 'traceql'

/** One query of a panel. */
export interface PanelQuery {
  readonly refId: string
  readonly expr: string
  /** Legend template (`{{route}}`). */
  readonly legend?: string
  /** Instant query (tables, stats of "now"). Default: range. */
  readonly instant?: boolean
}

/** Panel visualisations the generator uses. */
export type PanelType = 'timeseries' | 'stat' | 'table' | 'logs' | 'text'

/** One panel. */
export interface PanelSpec {
  /** Unique within its dashboard; stable across runs. */
  readonly id: number
  readonly title: string
  readonly description: string
  readonly type: PanelType
  /** Query language of `queries` (`undefined` for text panels). */
  readonly language: QueryLanguage | undefined
  readonly queries: readonly PanelQuery[]
  /** Grafana unit id (`reqps`, `s`, `percentunit`, `bytes`, `short`). */
  readonly unit?: string
  readonly min?: number
  readonly max?: number
  /** Ascending thresholds `[{value, color}]`; the first value is the base (`null`). */
  readonly thresholds?: readonly { readonly value: number | null; readonly color: string }[]
  /** Markdown of a text panel. */
  readonly content?: string
  /** Width in grid columns (24 per row). Default 12. */
  readonly width?: number
  /** Height in grid units. Default 8. */
  readonly height?: number
}

/** A row of panels. */
export interface RowSpec {
  readonly title: string
  readonly panels: readonly PanelSpec[]
}

/** A template variable. */
export interface VariableSpec {
  readonly name: string
  readonly label: string
  readonly kind: 'datasource' | 'query'
  /** Datasource plugin type (`datasource` kind) or the datasource the query runs on (`query` kind). */
  readonly datasource: 'prometheus' | 'loki' | 'tempo'
  /** `label_values(…)` query (`query` kind). */
  readonly query?: string
  readonly includeAll?: boolean
  readonly multi?: boolean
  /** Value used for "All" (`.*`). */
  readonly allValue?: string
}

/** An annotation query: each series it returns marks the time range where it has samples. */
export interface AnnotationSpec {
  readonly name: string
  readonly description: string
  readonly language: 'promql'
  readonly expr: string
  /** Title template (`{{version}}`). */
  readonly titleFormat: string
  /** Text template. */
  readonly textFormat: string
  /** Resolution of the annotation query (`1m`). */
  readonly step: string
  /** Grafana colour of the markers. */
  readonly iconColor: string
}

/** One dashboard. */
export interface DashboardSpec {
  /** Stable uid (8–40 characters). */
  readonly uid: string
  readonly title: string
  readonly description: string
  readonly tags: readonly string[]
  /** File name under `grafana/dashboards/`. */
  readonly file: string
  readonly variables: readonly VariableSpec[]
  readonly rows: readonly RowSpec[]
  /** Default time range start (`now-1h`). */
  readonly from: string
  /** Annotation queries shown on every panel. Default none. */
  readonly annotations?: readonly AnnotationSpec[]
}

/** The name of a datasource variable for a datasource type. */
export const DATASOURCE_VARIABLES = Object.freeze({
  prometheus: 'datasource',
  loki: 'loki_datasource',
  tempo: 'tempo_datasource',
} as const)

/** Every panel of a dashboard, in order. */
export function panelsOf(spec: DashboardSpec): PanelSpec[] {
  return spec.rows.flatMap((r) => r.panels)
}
