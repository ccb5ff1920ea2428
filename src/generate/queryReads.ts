import type { QueryLanguage } from './dashboardSpec.ts'

/** The series and labels (or log fields, or span attributes) a generated query reads. */
export interface QueryReads {
  /** Metric names (PromQL), empty for LogQL and TraceQL. */
  readonly metrics: readonly string[]
  /** Label names in matchers, filters and groupings (PromQL, LogQL), or span attributes (TraceQL). */
  readonly labels: readonly string[]
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'offset', 'bool'])
const STRINGS = /"(?:[^"\\]|\\.)*"|`[^`]*`/g
const COMPARED = /\b([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|>=|<=|==|=|>|<)/g
const GROUPED = /\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g
const SELECTED = /\b([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g
const UNWRAPPED = /\|\s*unwrap\s+([a-zA-Z_][a-zA-Z0-9_]*)/g
const ATTRIBUTE = /\b((?:resource|span)\.[a-zA-Z0-9_.]+)/g

/**
 * What a generated query reads, from its text (string literals ignored): PromQL metric names (a name before
 * `{`; every generated selector has one) and label names (matchers, `by` / `without` / `on` lists); LogQL stream
 * labels and the fields its filters, `unwrap` and groupings read; TraceQL span and resource attributes.
 *
 * @example
 * queryReads('sum by (route) (rate(http_requests_total{job="a"}[5m]))', 'promql')
 * // { metrics: ['http_requests_total'], labels: ['job', 'route'] }
 */
export function queryReads(expr: string, language: QueryLanguage): QueryReads {
  const text = expr.replace(STRINGS, '""')
  if (language === 'traceql') {
    return { metrics: [], labels: sorted([...expr.matchAll(ATTRIBUTE)].map((m) => m[1]!)) }
  }
  const labels = new Set<string>()
  for (const m of text.matchAll(COMPARED)) if (!KEYWORDS.has(m[1]!)) labels.add(m[1]!)
  for (const m of text.matchAll(GROUPED)) {
    for (const l of m[1]!.split(',')) if (l.trim() !== '') labels.add(l.trim())
  }
  for (const m of text.matchAll(UNWRAPPED)) labels.add(m[1]!)
  labels.delete('__error__')
  const metrics = language === 'promql' ? [...text.matchAll(SELECTED)].map((m) => m[1]!) : []
  return { metrics: sorted(metrics), labels: sorted(labels) }
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort()
}
