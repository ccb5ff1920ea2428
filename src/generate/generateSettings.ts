import { z } from 'zod'

const duration = z
  .string()
  .regex(/^([0-9]+(ms|s|m|h|d|w|y))+$/, 'a Prometheus duration such as "30s", "5m" or "1h30m"')
const hostPort = z.string().regex(/^[a-zA-Z0-9.:[\]_-]+:[0-9]{1,5}$/, 'host:port')
const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'an http(s) URL')
const uid = z.string().regex(/^[a-zA-Z0-9_-]{2,40}$/, '2–40 of letters, digits, "_" or "-"')
const datasource = (defaultUid: string, defaultUrl: string) =>
  z
    .object({
      /** Stable datasource uid the dashboards pin. */
      uid: uid.default(defaultUid),
      /** URL Grafana reaches the backend at. */
      url: httpUrl.default(defaultUrl),
    })
    .strict()
    .default({})

/**
 * Settings of `lookout generate`: where things run and the thresholds of the service alerts. Every field has a
 * default that fits `deploy/compose.yaml`; the service's own routes, metrics and SLOs come from the Lookout
 * options next to these settings.
 *
 * @example
 * generateSettingsSchema.parse({ app: { targets: ['identity:8000'] }, alerts: { errorRatio: 0.02 } })
 */
export const generateSettingsSchema = z
  .object({
    /** Prometheus job name of the service's scrape. Default: the service name. */
    job: z
      .string()
      .regex(/^[a-zA-Z_][a-zA-Z0-9_.-]{0,62}$/, 'a job name')
      .optional(),
    /** Where the service runs (compose service / Kubernetes workload). */
    app: z
      .object({
        /** `host:port` targets Prometheus scrapes. Default `app:8000` (the compose service). */
        targets: z.array(hostPort).min(1).default(['app:8000']),
        /** Container port of the service (the port the application listens on). Default 8000. */
        port: z.number().int().min(1).max(65535).default(8000),
        /** `LOOKOUT_ENVIRONMENT` of the Deployment (`production` turns on the start-up warnings). Default `production`. */
        environment: z.string().min(1).max(64).default('production'),
        /**
         * Extra environment of the Deployment's container, e.g. how the application is told its listen address
         * (`{ HOST: '0.0.0.0', PORT: '8000' }`). Default none.
         */
        env: z
          .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'), z.string())
          .default({}),
        /** Container image of the Kubernetes Deployment. Default `lookout-identity-demo:latest`. */
        image: z.string().min(1).default('lookout-identity-demo:latest'),
        /** Replicas of the Deployment (the PodDisruptionBudget keeps one fewer available). Default 2. */
        replicas: z.number().int().min(1).max(1000).default(2),
        /** Kubernetes namespace. Default `default`. */
        namespace: z
          .string()
          .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a Kubernetes namespace')
          .default('default'),
        /** Extra seconds of `preStop` sleep before SIGTERM (Lookout drains in-process, so 0 is enough). Default 0. */
        preStopSleepSeconds: z.number().int().min(0).max(300).default(0),
      })
      .strict()
      .default({}),
    prometheus: z
      .object({
        /** Default 15s. */
        scrapeInterval: duration.default('15s'),
        /** Default 15s. */
        evaluationInterval: duration.default('15s'),
        /** `rule_files` globs, relative to prometheus.yml. Default `rules/*.yaml` (where the rules are written). */
        ruleFiles: z.array(z.string().min(1)).min(1).default(['rules/*.yaml']),
        /** Alertmanager `host:port`s. Default `alertmanager:9093`. */
        alertmanagers: z.array(hostPort).default(['alertmanager:9093']),
        /** File holding the `/metrics` bearer token (used only when `metrics.token` is set). */
        metricsTokenFile: z.string().min(1).default('/etc/prometheus/secrets/metrics-token'),
      })
      .strict()
      .default({}),
    alertmanager: z
      .object({
        /**
         * Where alerts go: `lookout` (the service's Alertmanager receiver, which routes per tenant), `pagerduty`
         * (straight to PagerDuty Events v2), or `both`. Default `lookout`.
         */
        receiver: z.enum(['lookout', 'pagerduty', 'both']).default('lookout'),
        /** Base URL of the service as Alertmanager reaches it. Default `http://app:8000`. */
        lookoutUrl: httpUrl.default('http://app:8000'),
        /** File holding an operator key for the receiver route. */
        operatorKeyFile: z.string().min(1).default('/etc/alertmanager/secrets/operator-key'),
        /** PagerDuty Events v2 URL. Default `https://events.pagerduty.com/v2/enqueue`. */
        pagerdutyUrl: httpUrl.default('https://events.pagerduty.com/v2/enqueue'),
        /** File holding the PagerDuty routing (integration) key. */
        pagerdutyRoutingKeyFile: z.string().min(1).default('/etc/alertmanager/secrets/pagerduty-routing-key'),
        /** Default 30s. */
        groupWait: duration.default('30s'),
        /** Default 5m. */
        groupInterval: duration.default('5m'),
        /** Default 4h. */
        repeatInterval: duration.default('4h'),
      })
      .strict()
      .default({}),
    grafana: z
      .object({
        /** Folder of the provisioned dashboards. Default `Lookout`. */
        folder: z.string().min(1).max(100).default('Lookout'),
        /** Where Grafana reads dashboard files. Default `/var/lib/grafana/dashboards`. */
        dashboardsPath: z.string().min(1).default('/var/lib/grafana/dashboards'),
        /** Dashboard refresh. Default `30s`. */
        refresh: z.string().min(1).default('30s'),
        prometheus: datasource('lookout-prometheus', 'http://prometheus:9090'),
        loki: datasource('lookout-loki', 'http://loki:3100'),
        tempo: datasource('lookout-tempo', 'http://tempo:3200'),
      })
      .strict()
      .default({}),
    /** Thresholds of the service alert rules. */
    alerts: z
      .object({
        /** `for` of every service alert. Default `5m`. */
        for: duration.default('5m'),
        /** Range of the rates in the alert expressions, and of the operator-key failure count. Default `5m`. */
        window: duration.default('5m'),
        /** 5xx share of requests. Default 0.05. */
        errorRatio: z.number().gt(0).max(1).default(0.05),
        /** p95 request latency, seconds. Default 1. */
        latencyP95Seconds: z.number().positive().default(1),
        /** p99 request latency, seconds; the p99 alert exists only when this is set. Default none. */
        latencyP99Seconds: z.number().positive().optional(),
        /** Failed logins per second. Default 1. */
        authFailuresPerSecond: z.number().positive().default(1),
        /** Accounts locked within `lockoutWindow`. Default 5. */
        lockouts: z.number().int().min(0).default(5),
        /** Default `15m`. */
        lockoutWindow: duration.default('15m'),
        /**
         * Requests with a missing or wrong operator key within `window`, all instances together. Default 30: above one
         * address's whole failed-key allowance (20), passed within minutes by guessing at its refill rate.
         */
        operatorAuthFailures: z.number().int().min(0).default(30),
        /** p95 database query time, seconds. Default 0.5. */
        slowDbP95Seconds: z.number().positive().default(0.5),
        /** Window of the "anything dropped" alerts (telemetry drops, dead letters, cardinality). Default `15m`. */
        dropWindow: duration.default('15m'),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({})

/** The `generate` settings as written (every field optional). */
export type GenerateSettingsInput = z.input<typeof generateSettingsSchema>
/** The `generate` settings with every default applied. */
export type GenerateSettings = z.output<typeof generateSettingsSchema>
