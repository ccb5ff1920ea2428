import { z } from 'zod'
import { checkOutboundUrl } from '../../outbound/checkOutboundUrl.ts'
import type { EnvBinding } from '../envBinding.ts'

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'an http(s) URL')

/**
 * Alert routing: cooldown, channel endpoints, the delivery worker and the Alertmanager receiver. Per-tenant
 * routes and channel secrets are not configuration: they live in the store (`PUT
 * /observability/alerts/config/:tenant`, or `lookout.alerts.setConfig()`).
 *
 * @example
 * { alerting: { cooldownSeconds: 600, endpoints: { pagerduty: 'http://127.0.0.1:9999' } } }
 */
export const alertingSchema = z
  .object({
    /** Alerting (routes, worker) at all. Default `false` (it sends data out and keeps state). Env `LOOKOUT_ALERTING_ENABLED`. */
    enabled: z.boolean().default(false),
    /** Repeats of a firing fingerprint inside this window are suppressed. Default 300. Env `LOOKOUT_ALERT_COOLDOWN_SECONDS`. */
    cooldownSeconds: z
      .number()
      .int()
      .min(0)
      .max(86_400 * 7)
      .default(300),
    /** Base URLs of the vendors' APIs (override to point at a proxy or a test receiver). */
    endpoints: z
      .object({
        /** PagerDuty Events v2 base. Default `https://events.pagerduty.com`. Env `LOOKOUT_PAGERDUTY_URL`. */
        pagerduty: httpUrl.default('https://events.pagerduty.com'),
        /** Opsgenie US base. Default `https://api.opsgenie.com`. Env `LOOKOUT_OPSGENIE_URL`. */
        opsgenie: httpUrl.default('https://api.opsgenie.com'),
        /** Opsgenie EU base. Default `https://api.eu.opsgenie.com`. Env `LOOKOUT_OPSGENIE_EU_URL`. */
        opsgenieEu: httpUrl.default('https://api.eu.opsgenie.com'),
      })
      .strict()
      .default({}),
    /**
     * Hosts webhook and Slack channels may post to (exact host names, or `*.example.com`). Default: any host.
     * Checked when a config is saved and again at every delivery, so tightening it stops channels saved before.
     * Env `LOOKOUT_ALERT_WEBHOOK_HOSTS`.
     */
    webhookHosts: z.array(z.string().min(1)).optional(),
    /**
     * Let channels and `endpoints` target loopback, private-network (RFC 1918, fc00::/7), link-local and CGNAT
     * addresses, for on-premises receivers. Off, every delivery is refused (and recorded as `refused_by_policy`)
     * when its host is, or resolves to, such an address. Cloud metadata endpoints are refused either way.
     * Default `false`. Env `LOOKOUT_ALERT_ALLOW_PRIVATE_TARGETS`.
     */
    allowPrivateTargets: z.boolean().default(false),
    /** The delivery worker. */
    worker: z
      .object({
        /** How often the outbox is polled when idle (ms). Default 1000. */
        pollIntervalMs: z.number().int().min(10).max(60_000).default(1000),
        /** Deliveries claimed per round (also the max in flight per process). Default 16. */
        batchSize: z.number().int().min(1).max(500).default(16),
        /** Attempts before a delivery is dead-lettered. Default 8. Env `LOOKOUT_ALERT_MAX_ATTEMPTS`. */
        maxAttempts: z.number().int().min(1).max(100).default(8),
        /** First retry delay (ms); doubles each attempt, with full jitter. Default 2000. */
        backoffBaseMs: z.number().int().min(1).max(3_600_000).default(2000),
        /** Longest retry delay (ms), also the cap on a `Retry-After`. Default 300 000. */
        backoffMaxMs: z.number().int().min(1).max(86_400_000).default(300_000),
        /** Per-request timeout (ms). Default 10 000. */
        timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
        /** A claimed delivery whose worker vanished is retaken after this (ms). Default 60 000. */
        leaseMs: z.number().int().min(500).max(3_600_000).default(60_000),
      })
      .strict()
      .default({}),
    /** The Alertmanager webhook receiver. */
    alertmanager: z
      .object({
        /** Label naming the tenant of an Alertmanager alert. Default `tenant`. */
        tenantLabel: z.string().min(1).default('tenant'),
        /** Tenant for alerts without that label (and without `?tenant=`). Default `default`. */
        defaultTenant: z.string().min(1).max(128).default('default'),
        /** Largest accepted notification body (bytes). Default 1 MiB. */
        bodyLimit: z
          .number()
          .int()
          .min(1024)
          .max(16 * 1024 * 1024)
          .default(1_048_576),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((a, ctx) => {
    for (const [name, url] of Object.entries(a.endpoints)) {
      const checked = checkOutboundUrl(url, { allowPrivate: a.allowPrivateTargets })
      if (!checked.ok) {
        const hint = a.allowPrivateTargets
          ? ''
          : ' (set alerting.allowPrivateTargets for an on-premises receiver)'
        ctx.addIssue({
          code: 'custom',
          path: ['endpoints', name],
          message: `refused: ${checked.reason}${hint}`,
        })
      }
    }
  })
  .default({})

export const alertingEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_ALERTING_ENABLED', path: 'alerting.enabled', parse: 'bool' },
  { env: 'LOOKOUT_ALERT_COOLDOWN_SECONDS', path: 'alerting.cooldownSeconds', parse: 'int' },
  { env: 'LOOKOUT_PAGERDUTY_URL', path: 'alerting.endpoints.pagerduty', parse: 'string' },
  { env: 'LOOKOUT_OPSGENIE_URL', path: 'alerting.endpoints.opsgenie', parse: 'string' },
  { env: 'LOOKOUT_OPSGENIE_EU_URL', path: 'alerting.endpoints.opsgenieEu', parse: 'string' },
  { env: 'LOOKOUT_ALERT_WEBHOOK_HOSTS', path: 'alerting.webhookHosts', parse: 'list' },
  { env: 'LOOKOUT_ALERT_ALLOW_PRIVATE_TARGETS', path: 'alerting.allowPrivateTargets', parse: 'bool' },
  { env: 'LOOKOUT_ALERT_MAX_ATTEMPTS', path: 'alerting.worker.maxAttempts', parse: 'int' },
]
