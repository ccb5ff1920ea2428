/** Paths of the console page and its JSON APIs (under the instance's route prefix). */
export const CONSOLE_ROUTES = Object.freeze({
  page: '/observability/console',
  script: '/observability/console/console.js',
  style: '/observability/console/console.css',
  traces: '/observability/console/api/traces',
  trace: '/observability/console/api/traces/:traceId',
  logs: '/observability/console/api/logs',
  tail: '/observability/console/api/logs/tail',
  series: '/observability/console/api/metrics',
})

/** Metric names the console emits. */
export const CONSOLE_METRIC_NAMES = Object.freeze({
  dropped: 'lookout_console_dropped_total',
})

/** Values of the `buffer` label of `lookout_console_dropped_total`. */
export const CONSOLE_BUFFERS = ['traces', 'spans', 'logs', 'series'] as const
export type ConsoleBuffer = (typeof CONSOLE_BUFFERS)[number]
