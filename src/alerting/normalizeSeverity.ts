import type { Severity } from './conventions.ts'

const ALIASES: Readonly<Record<string, Severity>> = {
  critical: 'critical',
  crit: 'critical',
  page: 'critical',
  fatal: 'critical',
  p1: 'critical',
  error: 'error',
  err: 'error',
  high: 'error',
  major: 'error',
  p2: 'error',
  warning: 'warning',
  warn: 'warning',
  medium: 'warning',
  minor: 'warning',
  p3: 'warning',
  ticket: 'warning',
  info: 'info',
  informational: 'info',
  low: 'info',
  none: 'info',
  p4: 'info',
  p5: 'info',
}

/**
 * Maps a severity from any source (Alertmanager labels use `page`, `ticket`, `high` …) onto PagerDuty's four.
 * Unknown or missing → `fallback` (default `warning`).
 *
 * @example
 * normalizeSeverity('page') // 'critical'
 * normalizeSeverity(undefined) // 'warning'
 */
export function normalizeSeverity(value: string | undefined, fallback: Severity = 'warning'): Severity {
  if (value === undefined) return fallback
  return ALIASES[value.trim().toLowerCase()] ?? fallback
}
