import { z } from 'zod'
import type { EnvBinding } from '../envBinding.ts'
import { ipOrCidr } from '../ipOrCidr.ts'
import { secret } from '../secret.ts'

const bucketList = z
  .array(z.number().finite().positive())
  .min(1)
  .refine((b) => b.every((v, i) => i === 0 || v > b[i - 1]!), 'strictly increasing positive numbers')

/**
 * Metrics options.
 *
 * @example
 * { metrics: { token: process.env.SCRAPE_TOKEN, conventions: 'otel', tenantLabel: true } }
 */
export const metricsSchema = z
  .object({
    /** Expose metrics at all. Default `true`. Env `LOOKOUT_METRICS_ENABLED`. */
    enabled: z.boolean().default(true),
    /** Exposition path. Default `/metrics`. Env `LOOKOUT_METRICS_PATH`. */
    path: z
      .string()
      .regex(/^\/[a-zA-Z0-9/_.-]*$/, 'an absolute URL path')
      .default('/metrics'),
    /** `prometheus` (the common Prometheus names: http_requests_total{method,route,status}) or `otel` semantic names. */
    conventions: z.enum(['prometheus', 'otel']).default('prometheus'),
    /** Request-duration buckets in seconds. Default depends on conventions (prom-client's or OTel's). */
    buckets: bucketList.optional(),
    /**
     * Use `buckets` exactly as given: latency-SLO thresholds are then not added as boundaries, and an SLO whose
     * threshold is missing fails start-up and rule generation (`LOOKOUT_ERR_SLO_BUCKET`). Default `false`.
     */
    freezeBuckets: z.boolean().default(false),
    /** Request/response size buckets in bytes. Default 64 B … 4 MiB, ×4 steps. */
    sizeBuckets: bucketList.optional(),
    /** Add a `tenant` label (admitted by the cardinality budget) to HTTP metrics. Default `false`. */
    tenantLabel: z.boolean().default(false),
    /** Bearer token required to scrape. Default none. Env `LOOKOUT_METRICS_TOKEN`. */
    token: secret(z.string().min(16, 'at least 16 characters')).optional(),
    /** IPs/CIDRs allowed to scrape (IPv4 and IPv6). Default: everyone. Env `LOOKOUT_METRICS_ALLOW`. */
    allow: z.array(ipOrCidr).optional(),
    /** Serve metrics on this separate port instead of the app port. Env `LOOKOUT_METRICS_PORT`. */
    port: z.number().int().min(0).max(65535).optional(),
    /** Host for the separate metrics port. Default `127.0.0.1`. Env `LOOKOUT_METRICS_HOST`. */
    host: z.string().min(1).default('127.0.0.1'),
    /** Node.js process/runtime metrics (CPU, memory, event loop, GC, handles). Default `true`. */
    processMetrics: z.boolean().default(true),
    /** Host gauges (CPU %, memory %, disk % of `diskPath`). Default `true`. */
    hostMetrics: z.boolean().default(true),
    /** Path whose file-system usage is reported. Default `/`. Env `LOOKOUT_METRICS_DISK_PATH`. */
    diskPath: z.string().min(1).default('/'),
    /** Attach the trace id to histogram observations as OpenMetrics exemplars when sampled. Default `true`. */
    exemplars: z.boolean().default(true),
    /** Cardinality budget. */
    cardinality: z
      .object({
        /** Max label sets per metric before folding into `__overflow__`. Default 2000. */
        maxSeriesPerMetric: z.number().int().min(1).max(1_000_000).default(2000),
        /** Distinct tenants admitted as label values; the rest are reported as `other`. Default 50. */
        maxTenants: z.number().int().min(0).max(100_000).default(50),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({})

export const metricsEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_METRICS_ENABLED', path: 'metrics.enabled', parse: 'bool' },
  { env: 'METRICS_ENABLED', path: 'metrics.enabled', parse: 'bool' },
  { env: 'LOOKOUT_METRICS_PATH', path: 'metrics.path', parse: 'string' },
  { env: 'LOOKOUT_METRICS_CONVENTIONS', path: 'metrics.conventions', parse: 'string' },
  { env: 'LOOKOUT_METRICS_BUCKETS', path: 'metrics.buckets', parse: 'numberList' },
  { env: 'LOOKOUT_METRICS_TENANT_LABEL', path: 'metrics.tenantLabel', parse: 'bool' },
  { env: 'LOOKOUT_METRICS_TOKEN', path: 'metrics.token', parse: 'string' },
  { env: 'LOOKOUT_METRICS_ALLOW', path: 'metrics.allow', parse: 'list' },
  { env: 'LOOKOUT_METRICS_PORT', path: 'metrics.port', parse: 'int' },
  { env: 'METRICS_INTERNAL_PORT', path: 'metrics.port', parse: 'int' },
  { env: 'LOOKOUT_METRICS_HOST', path: 'metrics.host', parse: 'string' },
  { env: 'LOOKOUT_METRICS_DISK_PATH', path: 'metrics.diskPath', parse: 'string' },
  { env: 'LOOKOUT_METRICS_MAX_SERIES', path: 'metrics.cardinality.maxSeriesPerMetric', parse: 'int' },
  { env: 'LOOKOUT_METRICS_MAX_TENANTS', path: 'metrics.cardinality.maxTenants', parse: 'int' },
]
