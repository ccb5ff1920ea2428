import { labelForbiddenError, metricNameInvalidError } from '../errors.ts'
import { FORBIDDEN_LABELS } from './conventions.ts'

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/** Throws `LOOKOUT_ERR_METRIC_NAME` unless `name` is a valid Prometheus metric name. */
export function assertMetricName(name: string): void {
  if (!METRIC_NAME.test(name)) throw metricNameInvalidError('metric', name)
}

/**
 * Throws unless every label name is valid, not reserved (`le`, `quantile`, `__*`) and not high-cardinality.
 *
 * @example
 * assertLabelNames('login_total', ['status'])      // ok
 * assertLabelNames('login_total', ['user_id'])     // throws LOOKOUT_ERR_LABEL_FORBIDDEN
 */
export function assertLabelNames(metric: string, labelNames: readonly string[]): void {
  const seen = new Set<string>()
  for (const label of labelNames) {
    if (
      !LABEL_NAME.test(label) ||
      label.startsWith('__') ||
      label === 'le' ||
      label === 'quantile' ||
      seen.has(label)
    ) {
      throw metricNameInvalidError('label', label)
    }
    seen.add(label)
    if (FORBIDDEN_LABELS.has(label.toLowerCase().replace(/[_-]/g, '')))
      throw labelForbiddenError(metric, label)
  }
}

/** Escapes a label value for the text formats: backslash, double quote and newline. */
export function escapeLabelValue(value: string): string {
  // Fast path: most values need no escaping, and one regex test is cheaper than the replace chain.
  if (!/[\\"\n]/.test(value)) return value
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

/** Escapes HELP text: backslash and newline. */
export function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}
