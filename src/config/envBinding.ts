/**
 * How one environment variable maps onto one option path.
 *
 * @example
 * { env: 'LOOKOUT_METRICS_PORT', path: 'metrics.port', parse: 'int' }
 */
export interface EnvBinding {
  /** Variable name, e.g. `LOOKOUT_METRICS_TOKEN`. */
  readonly env: string
  /** Dotted option path the value lands on, e.g. `metrics.token`. */
  readonly path: string
  /** How the text is read. `list` splits on commas and trims; blank entries are dropped. */
  readonly parse: 'string' | 'int' | 'number' | 'bool' | 'list' | 'numberList' | 'json'
}
