import { type PanelSpec, panelsOf } from './dashboardSpec.ts'
import { allDashboards } from './generateAll.ts'
import type { GenerateModel } from './generateModel.ts'
import { queryKit } from './queryKit.ts'
import { queryReads } from './queryReads.ts'
import { serviceAlertExpr, serviceAlertSpecs } from './serviceAlerts.ts'

/** Markers of the generated part of docs/dashboards.md. */
export const DOC_MARKERS = Object.freeze({
  start: '<!-- lookout:generated:start -->',
  end: '<!-- lookout:generated:end -->',
})

const cell = (text: string) => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|')
const code = (text: string) => `\`${cell(text)}\``

/**
 * Markdown tables of every dashboard panel with its queries, and of every service alert with its expression,
 * from the same model the dashboards are rendered from (so the docs cannot drift).
 *
 * @example
 * writeFileSync('docs/dashboards.md', replaceGenerated(text, dashboardsMarkdown(model)))
 */
export function dashboardsMarkdown(model: GenerateModel): string {
  const lines: string[] = []
  // The job and configured selector are on every selector (see the conventions above): not repeated per panel.
  const base = new Set(queryKit(model, false).base.map((m) => m.label))
  for (const d of allDashboards(model)) {
    lines.push(
      `### ${d.title}`,
      '',
      `uid \`${d.uid}\` · file \`grafana/dashboards/${d.file}\` · ${d.description}`,
      '',
    )
    if (d.variables.length > 0) {
      lines.push(
        `Variables: ${d.variables.map((v) => `\`${v.name}\`${v.query === undefined ? ` (${v.datasource} datasource)` : ` = ${code(v.query)}`}`).join(', ')}`,
        '',
      )
    }
    lines.push('| # | Panel | Type | Query | Reads |', '|---|---|---|---|---|')
    for (const p of panelsOf(d)) {
      const queries =
        p.queries.length === 0
          ? '(links)'
          : p.queries.map((q) => `${p.queries.length > 1 ? `${q.refId}: ` : ''}${code(q.expr)}`).join('<br>')
      lines.push(`| ${p.id} | ${cell(p.title)} | ${p.type} | ${queries} | ${reads(p, base)} |`)
    }
    for (const a of d.annotations ?? []) {
      lines.push('', `Annotation **${a.name}**: ${cell(a.description)} ${code(a.expr)}`)
    }
    lines.push('')
  }
  lines.push(`### Service alerts (\`prometheus/rules/${model.config.service}-alerts.yaml\`)`, '')
  lines.push('| Alert | Severity | For | Expression |', '|---|---|---|---|')
  for (const s of serviceAlertSpecs(model)) {
    lines.push(`| ${s.alert} | ${s.severity} | ${s.for} | ${code(serviceAlertExpr(s))} |`)
  }
  lines.push('')
  return lines.join('\n')
}

/** The metrics and labels (log fields, span attributes) a panel's queries read, for the "Reads" column. */
function reads(panel: PanelSpec, base: ReadonlySet<string>): string {
  if (panel.language === undefined || panel.queries.length === 0) return ''
  const metrics = new Set<string>()
  const labels = new Set<string>()
  for (const q of panel.queries) {
    const r = queryReads(q.expr, panel.language)
    for (const m of r.metrics) metrics.add(m)
    for (const l of r.labels) if (!base.has(l)) labels.add(l)
  }
  const names = (set: Set<string>) =>
    [...set]
      .sort()
      .map((n) => `\`${n}\``)
      .join(', ')
  const kind =
    panel.language === 'promql' ? 'labels' : panel.language === 'logql' ? 'labels/fields' : 'attributes'
  return [metrics.size > 0 ? names(metrics) : '', labels.size > 0 ? `${kind}: ${names(labels)}` : '']
    .filter((x) => x !== '')
    .join('<br>')
}

/**
 * Replaces the text between {@link DOC_MARKERS} (markers kept); throws when the markers are missing.
 *
 * @example
 * replaceGenerated(readFileSync('docs/dashboards.md', 'utf8'), dashboardsMarkdown(model))
 */
export function replaceGenerated(document: string, generated: string): string {
  const start = document.indexOf(DOC_MARKERS.start)
  const end = document.indexOf(DOC_MARKERS.end)
  if (start < 0 || end < start)
    throw new Error(`the document has no ${DOC_MARKERS.start} … ${DOC_MARKERS.end} section`)
  return `${document.slice(0, start + DOC_MARKERS.start.length)}\n\n${generated}\n${document.slice(end)}`
}
