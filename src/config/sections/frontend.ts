import { z } from 'zod'
import { parseDsn } from '../../frontend/parseDsn.ts'
import { checkOutboundUrl } from '../../outbound/checkOutboundUrl.ts'
import type { EnvBinding } from '../envBinding.ts'
import { secret } from '../secret.ts'

const dsn = z
  .string()
  .refine((s) => parseDsn(s) !== undefined, 'a Sentry DSN: http(s)://<publicKey>@<host>[:port]/<projectId>')

const upstream = z
  .string()
  .url()
  .refine((s) => {
    const u = new URL(s)
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      u.username === '' &&
      u.password === '' &&
      u.search === '' &&
      u.hash === ''
    )
  }, 'an http(s) base URL without credentials, query or fragment, e.g. https://o1.ingest.sentry.io')

const hostWithPort = z
  .string()
  .regex(
    /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*(?::\d{1,5})?$/,
    'a host name, optionally with :port (no scheme, no path)',
  )
  .transform((s) => s.toLowerCase())

const projectId = z.union([
  z.string().regex(/^\d{1,20}$/, 'digits only'),
  z
    .number()
    .int()
    .nonnegative()
    .transform((n) => String(n)),
])

/**
 * One allow-list entry of the tunnel: an exact DSN (a string, or `{ dsn }`), or a host with its numeric project
 * ids. `upstream` replaces the ingest base URL (`https://<host>`), e.g. for a self-hosted Relay.
 */
const allowEntry = z.union([
  dsn,
  z.object({ dsn, upstream: upstream.optional() }).strict(),
  z
    .object({
      host: hostWithPort,
      projectIds: z.array(projectId).min(1).max(100),
      upstream: upstream.optional(),
    })
    .strict(),
])

const rate = (perMinute: number) =>
  z
    .object({
      /** Requests per minute per client. */
      perMinute: z.number().int().min(1).max(1_000_000).default(perMinute),
      /** Bucket size. Default: a quarter of a minute's worth (at least 1). */
      burst: z.number().int().min(1).max(1_000_000).optional(),
    })
    .strict()
    .default({})

const labelValue = z.string().min(1).max(64)

/** One event of the public catalog: allowed label keys with their allowed values, and the largest `value`. */
const catalogEntry = z
  .object({
    /** Label key → allowed values. Default: no labels. */
    labels: z
      .record(
        z.string().regex(/^[a-z_][a-z0-9_]{0,31}$/, 'a label key: [a-z_][a-z0-9_]*'),
        z.array(labelValue).min(1).max(100),
      )
      .default({}),
    /** Largest `value` one event may carry (the counter is incremented by `value`, default 1). Default 1. */
    maxValue: z.number().finite().positive().max(1_000_000).default(1),
    /** What the event means (for docs and dashboards). */
    description: z.string().max(200).optional(),
  })
  .strict()

/**
 * Front-end telemetry: the Sentry config endpoint and tunnel, lightweight error reports, and public event
 * ingestion. Every route here is public; each is mounted only when configured.
 *
 * @example
 * { frontend: {
 *     sentry: { dsn: 'https://abc@o1.ingest.sentry.io/42', tracesSampleRate: 0.1 },
 *     report: { enabled: true, apps: ['web', 'admin'] },
 *     events: { catalog: { signup_started: { labels: { plan: ['free', 'pro'] } } } },
 *     cors: { origins: ['https://app.example.com'] },
 * } }
 */
export const frontendSchema = z
  .object({
    sentry: z
      .object({
        /**
         * Public DSN served to front ends by `GET /observability/sentry/config` (which is mounted only when this
         * is set); also allowed through the tunnel. Env `LOOKOUT_SENTRY_PUBLIC_DSN`.
         */
        dsn: dsn.optional(),
        /** Environment for front ends. Default: the service's `environment`. Env `LOOKOUT_SENTRY_ENVIRONMENT`. */
        environment: z.string().min(1).max(64).optional(),
        /** Release for front ends. Default none. Env `LOOKOUT_SENTRY_RELEASE`. */
        release: z.string().min(1).max(200).optional(),
        /** `tracesSampleRate` for front ends. Default 0. Env `LOOKOUT_SENTRY_TRACES_SAMPLE_RATE`. */
        tracesSampleRate: z.number().min(0).max(1).default(0),
        /** `replaysSessionSampleRate`. Default 0. Env `LOOKOUT_SENTRY_REPLAYS_SESSION_SAMPLE_RATE`. */
        replaysSessionSampleRate: z.number().min(0).max(1).default(0),
        /** `replaysOnErrorSampleRate`. Default 0. Env `LOOKOUT_SENTRY_REPLAYS_ON_ERROR_SAMPLE_RATE`. */
        replaysOnErrorSampleRate: z.number().min(0).max(1).default(0),
        /** `Cache-Control: max-age` of the config endpoint, seconds. Default 300. */
        configMaxAgeSeconds: z.number().int().min(0).max(86_400).default(300),
        /**
         * DSNs the tunnel forwards for (exact DSN strings, `{ dsn, upstream? }` or `{ host, projectIds, upstream? }`).
         * The public `dsn` is always allowed. The tunnel is mounted only when this list (with `dsn`) is non-empty.
         * Env `LOOKOUT_SENTRY_ALLOW` (JSON array).
         */
        allow: z.array(allowEntry).max(100).default([]),
        /** Largest envelope accepted, bytes (413 above). Default 1 MiB. Env `LOOKOUT_SENTRY_ENVELOPE_LIMIT`. */
        envelopeLimit: z
          .number()
          .int()
          .min(1024)
          .max(200 * 1024 * 1024)
          .default(1024 * 1024),
        /** Upstream connect/response timeout, ms. Default 10 000. Env `LOOKOUT_SENTRY_UPSTREAM_TIMEOUT_MS`. */
        upstreamTimeoutMs: z.number().int().min(10).max(120_000).default(10_000),
        /** Forwards in flight at once; more get 503. Default 64. */
        maxInFlight: z.number().int().min(1).max(10_000).default(64),
        /** Per-client rate limit of the tunnel. Default 120/min. */
        rateLimit: rate(120),
        /**
         * Server-side DSN lightweight error reports are forwarded to (as envelopes). Default none (not forwarded).
         * Env `LOOKOUT_SENTRY_SERVER_DSN`.
         */
        serverDsn: secret(dsn).optional(),
        /**
         * Let the tunnel and the report forwarder reach loopback, private-network (RFC 1918, fc00::/7), link-local
         * and CGNAT upstreams, e.g. a self-hosted Relay on an internal network. Off, such upstreams stop start-up,
         * and a name that resolves to one is refused when connecting (502). Cloud metadata endpoints are refused
         * either way. Default `false`. Env `LOOKOUT_SENTRY_ALLOW_PRIVATE_UPSTREAMS`.
         */
        allowPrivateUpstreams: z.boolean().default(false),
      })
      .strict()
      .superRefine((s, ctx) => {
        const hint = s.allowPrivateUpstreams
          ? ''
          : ' (set frontend.sentry.allowPrivateUpstreams for an upstream on an internal network)'
        const checkUpstream = (url: string, path: (string | number)[]) => {
          const checked = checkOutboundUrl(url, { allowPrivate: s.allowPrivateUpstreams })
          if (!checked.ok)
            ctx.addIssue({ code: 'custom', path, message: `refused: ${checked.reason}${hint}` })
        }
        const dsnOrigin = (text: string) => {
          const d = parseDsn(text)
          return d === undefined ? undefined : `${d.protocol}://${d.host}${d.port ? `:${d.port}` : ''}/`
        }
        s.allow.forEach((entry, i) => {
          const url =
            typeof entry === 'string'
              ? dsnOrigin(entry)
              : (entry.upstream ?? ('dsn' in entry ? dsnOrigin(entry.dsn) : `https://${entry.host}/`))
          if (url !== undefined) checkUpstream(url, ['allow', i])
        })
        for (const key of ['dsn', 'serverDsn'] as const) {
          const url = s[key] === undefined ? undefined : dsnOrigin(s[key])
          if (url !== undefined) checkUpstream(url, [key])
        }
      })
      .default({}),
    report: z
      .object({
        /** Mount `POST /observability/sentry/report`. Default `false`. Env `LOOKOUT_FRONTEND_REPORT_ENABLED`. */
        enabled: z.boolean().default(false),
        /** App names reported as themselves in `lookout_frontend_errors_total{app}`; others are `other`. */
        apps: z
          .array(z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'an app name: [a-z][a-z0-9_-]*'))
          .max(100)
          .default([]),
        /** Body cap, bytes. Default 65 536. */
        bodyLimit: z
          .number()
          .int()
          .min(256)
          .max(1024 * 1024)
          .default(65_536),
        /** Per-client rate limit. Default 60/min. */
        rateLimit: rate(60),
        /** Reports forwarded to Sentry in flight at once; more are dropped (counted). Default 16. */
        maxForwardsInFlight: z.number().int().min(1).max(1000).default(16),
      })
      .strict()
      .default({}),
    events: z
      .object({
        /** Ingestion path. Default `/api/v1/metrics`. Env `LOOKOUT_PUBLIC_EVENTS_PATH`. */
        path: z
          .string()
          .regex(/^\/[a-zA-Z0-9/_.-]*$/, 'an absolute URL path')
          .default('/api/v1/metrics'),
        /**
         * Allowed events: name → `{ labels: { key: [values] }, maxValue }`. The route is mounted only when this is
         * non-empty. Env `LOOKOUT_PUBLIC_EVENTS_CATALOG` (JSON).
         */
        catalog: z
          .record(
            z.string().regex(/^[a-z][a-z0-9_.:-]{0,63}$/, 'an event name: [a-z][a-z0-9_.:-]*'),
            catalogEntry,
          )
          .default({}),
        /** Most events in one batch. Default 50. */
        maxBatch: z.number().int().min(1).max(1000).default(50),
        /** Body cap, bytes. Default 65 536. */
        bodyLimit: z
          .number()
          .int()
          .min(256)
          .max(1024 * 1024)
          .default(65_536),
        /** Per-client rate limit. Default 600/min. */
        rateLimit: rate(600),
      })
      .strict()
      .default({}),
    cors: z
      .object({
        /**
         * Origins allowed to call the front-end routes from a browser (`https://app.example.com`, or `*`).
         * Default none (same-origin only). Env `LOOKOUT_FRONTEND_CORS_ORIGINS`.
         */
        origins: z
          .array(
            z.union([
              z.literal('*'),
              z.string().regex(/^https?:\/\/[a-zA-Z0-9.-]+(?::\d{1,5})?$/, 'an origin'),
            ]),
          )
          .default([]),
        /** Preflight cache, seconds. Default 600. */
        maxAgeSeconds: z.number().int().min(0).max(86_400).default(600),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({})

export const frontendEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_SENTRY_PUBLIC_DSN', path: 'frontend.sentry.dsn', parse: 'string' },
  { env: 'LOOKOUT_SENTRY_ENVIRONMENT', path: 'frontend.sentry.environment', parse: 'string' },
  { env: 'LOOKOUT_SENTRY_RELEASE', path: 'frontend.sentry.release', parse: 'string' },
  { env: 'LOOKOUT_SENTRY_TRACES_SAMPLE_RATE', path: 'frontend.sentry.tracesSampleRate', parse: 'number' },
  {
    env: 'LOOKOUT_SENTRY_REPLAYS_SESSION_SAMPLE_RATE',
    path: 'frontend.sentry.replaysSessionSampleRate',
    parse: 'number',
  },
  {
    env: 'LOOKOUT_SENTRY_REPLAYS_ON_ERROR_SAMPLE_RATE',
    path: 'frontend.sentry.replaysOnErrorSampleRate',
    parse: 'number',
  },
  { env: 'LOOKOUT_SENTRY_ALLOW', path: 'frontend.sentry.allow', parse: 'json' },
  { env: 'LOOKOUT_SENTRY_ENVELOPE_LIMIT', path: 'frontend.sentry.envelopeLimit', parse: 'int' },
  { env: 'LOOKOUT_SENTRY_UPSTREAM_TIMEOUT_MS', path: 'frontend.sentry.upstreamTimeoutMs', parse: 'int' },
  { env: 'LOOKOUT_SENTRY_SERVER_DSN', path: 'frontend.sentry.serverDsn', parse: 'string' },
  {
    env: 'LOOKOUT_SENTRY_ALLOW_PRIVATE_UPSTREAMS',
    path: 'frontend.sentry.allowPrivateUpstreams',
    parse: 'bool',
  },
  { env: 'LOOKOUT_FRONTEND_REPORT_ENABLED', path: 'frontend.report.enabled', parse: 'bool' },
  { env: 'LOOKOUT_FRONTEND_REPORT_APPS', path: 'frontend.report.apps', parse: 'list' },
  { env: 'LOOKOUT_PUBLIC_EVENTS_PATH', path: 'frontend.events.path', parse: 'string' },
  { env: 'LOOKOUT_PUBLIC_EVENTS_CATALOG', path: 'frontend.events.catalog', parse: 'json' },
  { env: 'LOOKOUT_FRONTEND_CORS_ORIGINS', path: 'frontend.cors.origins', parse: 'list' },
]
