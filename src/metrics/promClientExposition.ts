import type { Registry as PromRegistry } from 'prom-client'
import type { ExpositionFormat } from './metricFamily.ts'
import { formatValue } from './metricFamily.ts'
import { escapeHelp, escapeLabelValue } from './metricNames.ts'

interface PromValue {
  value: number
  labels: Record<string, string | number>
  metricName?: string
}
interface PromMetric {
  name: string
  help: string
  type: string
  values: PromValue[]
}

/**
 * Appends a prom-client registry's metrics to an exposition in either format, through prom-client's JSON view,
 * so one writer produces consistent text (prom-client registries have a single fixed content type).
 * Names already written by Lookout's own families are skipped.
 */
export async function writePromClientMetrics(
  registry: PromRegistry,
  out: string[],
  format: ExpositionFormat,
  skip: ReadonlyMap<string, unknown>,
): Promise<void> {
  let metrics: PromMetric[]
  try {
    metrics = (await registry.getMetricsAsJSON()) as unknown as PromMetric[]
  } catch {
    return
  }
  for (const metric of metrics) {
    if (skip.has(metric.name) || metric.values.length === 0) continue
    const type =
      metric.type === 'summary' || metric.type === 'histogram' || metric.type === 'counter'
        ? metric.type
        : 'gauge'
    const family =
      format === 'openmetrics' && type === 'counter' && metric.name.endsWith('_total')
        ? metric.name.slice(0, -6)
        : metric.name
    let text = `# HELP ${family} ${escapeHelp(metric.help)}\n# TYPE ${family} ${type}\n`
    for (const v of metric.values) {
      let name = v.metricName ?? metric.name
      if (format === 'openmetrics' && type === 'counter' && !name.endsWith('_total')) name = `${name}_total`
      const labels = Object.entries(v.labels ?? {})
        .map(([k, val]) => `${k}="${escapeLabelValue(String(val))}"`)
        .join(',')
      text +=
        labels === '' ? `${name} ${formatValue(v.value)}\n` : `${name}{${labels}} ${formatValue(v.value)}\n`
    }
    out.push(text)
  }
}
