import { z } from 'zod'
import { sloSpecSchema } from '../../slo/sloSpec.ts'
import type { EnvBinding } from '../envBinding.ts'
import { secret } from '../secret.ts'

/**
 * SLO options (docs/slo.md). SLOs are declared in code (`objectives`, `tenants`) or in a YAML file (`file`);
 * code wins over the file, the file over the defaults (99.9 % availability, p95 ≤ 300 ms, p99 ≤ 800 ms).
 *
 * @example
 * { slo: { objectives: [{ name: 'availability', kind: 'availability', objective: 99.95 }],
 *          tenants: { acme: [{ name: 'latency-p95', threshold: '500ms' }] } } }
 */
export const sloSchema = z
  .object({
    /** Measure SLOs, serve the SLO API and evaluate burn alerts. Default `true`. Env `LOOKOUT_SLO_ENABLED`. */
    enabled: z.boolean().default(true),
    /** The default SLOs of every tenant. Default: the file's, else the built-in three. */
    objectives: z.array(sloSpecSchema).max(100).optional(),
    /** Per-tenant overrides, merged by SLO name onto the defaults. */
    tenants: z.record(z.array(sloSpecSchema).max(100)).optional(),
    /** A YAML file with `slos:` and `tenants:` (same shapes). Env `LOOKOUT_SLO_FILE`. */
    file: z.string().min(1).optional(),
    /**
     * Where good/total counts come from: `in-process` (this process's requests, persisted in time buckets),
     * `prometheus` (the HTTP API at `prometheusUrl`; right for several replicas), or `auto` (prometheus when a
     * URL is set). Default `auto`. Env `LOOKOUT_SLO_SOURCE`.
     */
    source: z.enum(['auto', 'in-process', 'prometheus']).default('auto'),
    /** Prometheus base URL for the `prometheus` source. Env `LOOKOUT_PROMETHEUS_URL`. */
    prometheusUrl: secret(z.string().url()).optional(),
    /** Timeout of one Prometheus query. Default 5000 ms. */
    prometheusTimeoutMs: z.number().int().min(100).max(120_000).default(5000),
    /** Extra label matchers for every PromQL selector, e.g. `{ job: 'identity' }`. Default none. */
    prometheusSelector: z.record(z.string()).default({}),
    /** Width of the in-process time buckets. Default 60 s. */
    bucketSeconds: z.number().int().min(1).max(3600).default(60),
    /** How often in-process counts are written to the store. Default 10 000 ms. */
    flushIntervalMs: z.number().int().min(10).max(600_000).default(10_000),
    /** Pending bucket increments kept while the store is failing; beyond it they are dropped (counted). */
    maxPendingBuckets: z.number().int().min(10).max(1_000_000).default(10_000),
    /** Distinct tenants the in-process source tracks; the rest are counted as `other`. Default 100. */
    maxTenants: z.number().int().min(1).max(100_000).default(100),
    /** Interval of the in-process burn-alert evaluator (0 disables it). Default 60 000 ms. */
    evaluateIntervalMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /** Fire/resolve page and ticket alerts through the alert router. Default `true`. */
    alerts: z.boolean().default(true),
    /** Runbook link put on burn alerts (generated and in-process). `{slo}` and `{tenant}` are substituted. */
    runbookUrl: z.string().url().optional(),
    /** Dashboard link put on burn alerts. `{slo}` and `{tenant}` are substituted. */
    dashboardUrl: z.string().url().optional(),
  })
  .strict()
  .default({})

export const sloEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_SLO_ENABLED', path: 'slo.enabled', parse: 'bool' },
  { env: 'LOOKOUT_SLO_FILE', path: 'slo.file', parse: 'string' },
  { env: 'LOOKOUT_SLO_SOURCE', path: 'slo.source', parse: 'string' },
  { env: 'LOOKOUT_PROMETHEUS_URL', path: 'slo.prometheusUrl', parse: 'string' },
  { env: 'LOOKOUT_SLO_EVALUATE_INTERVAL_MS', path: 'slo.evaluateIntervalMs', parse: 'int' },
  { env: 'LOOKOUT_SLO_RUNBOOK_URL', path: 'slo.runbookUrl', parse: 'string' },
  { env: 'LOOKOUT_SLO_DASHBOARD_URL', path: 'slo.dashboardUrl', parse: 'string' },
]
