import { z } from 'zod'
import type { EnvBinding } from '../envBinding.ts'

const componentId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'a component id: [a-z0-9][a-z0-9_.-]*, at most 63 characters')

const publicText = (max: number) => z.string().trim().min(1).max(max)

/** Display metadata of one component (a health check or an external component). */
const componentMeta = z
  .object({
    /** The health check name or external component id. */
    id: componentId,
    /** Name shown on the page. Default: the id. */
    name: publicText(80).optional(),
    /** One line shown under the name. */
    description: publicText(200).optional(),
    /** Slower than this (ms) → `degraded` even when the check passes. Default: latency never degrades. */
    degradedLatencyMs: z.number().int().min(1).max(600_000).optional(),
  })
  .strict()

/** A component the sampler probes itself over HTTP (not part of readiness), e.g. a third-party API. */
const externalComponent = z
  .object({
    id: componentId,
    name: publicText(80).optional(),
    description: publicText(200).optional(),
    /** URL probed with GET; 2xx/3xx (or `expectStatus`) is operational. Never shown publicly. */
    url: z
      .string()
      .url()
      .refine((u) => /^https?:/.test(u), 'an http(s) URL'),
    expectStatus: z.array(z.number().int().min(100).max(599)).min(1).optional(),
    /** Default 2000 ms. */
    timeoutMs: z.number().int().min(1).max(60_000).default(2000),
    /** Slower than this (ms) → `degraded`. */
    degradedLatencyMs: z.number().int().min(1).max(600_000).optional(),
  })
  .strict()

/**
 * The public status page (docs/status-page.md): the health sampler, automatic incidents, uptime, the public
 * API and the `/status` page.
 *
 * @example
 * { status: { intervalMs: 60_000, openAfter: 2, resolveAfter: 3, exclude: ['memory', 'eventloop'],
 *             components: [{ id: 'postgres', name: 'Database' }], page: { title: 'Acme status' } } }
 */
export const statusSchema = z
  .object({
    /** Run the sampler and mount the public API, the page and the admin routes. Default `false` (it publishes a page). Env `LOOKOUT_STATUS_ENABLED`. */
    enabled: z.boolean().default(false),
    /** Sampling period (ms); only the replica holding the sampler lease samples. Default 60 000. Env `LOOKOUT_STATUS_INTERVAL_MS`. */
    intervalMs: z.number().int().min(50).max(3_600_000).default(60_000),
    /** Consecutive non-operational samples that open an incident. Default 2. Env `LOOKOUT_STATUS_OPEN_AFTER`. */
    openAfter: z.number().int().min(1).max(100).default(2),
    /** Consecutive operational samples that resolve an automatic incident. Default 3. Env `LOOKOUT_STATUS_RESOLVE_AFTER`. */
    resolveAfter: z.number().int().min(1).max(100).default(3),
    /**
     * A component that fails again this soon (ms) after its automatic incident resolved reopens that incident
     * instead of opening a new one (no flapping storms). Default 1 800 000 (30 min); 0 turns it off.
     */
    reopenWithinMs: z.number().int().min(0).max(86_400_000).default(1_800_000),
    /** Health checks shown as components; empty = every check not in `exclude`. Env `LOOKOUT_STATUS_INCLUDE`. */
    include: z.array(componentId).default([]),
    /** Health checks never shown. Default the process-internal `memory`, `eventloop`. Env `LOOKOUT_STATUS_EXCLUDE`. */
    exclude: z.array(componentId).default(['memory', 'eventloop']),
    /** Display names, descriptions, latency thresholds and order of components (listed ones come first). */
    components: z.array(componentMeta).default([]),
    /** Components probed by the sampler itself over HTTP. */
    external: z.array(externalComponent).default([]),
    /** How long the public API's answer is cached in memory and by clients (s). Default 10. */
    cacheSeconds: z.number().int().min(0).max(3600).default(10),
    /** Per-client rate limit of the public API and page. Default 600/min, burst 120. */
    rateLimit: z
      .object({
        perMinute: z.number().int().min(1).max(10_000_000).default(600),
        burst: z.number().int().min(1).max(10_000_000).default(120),
      })
      .strict()
      .default({}),
    /** Resolved incidents listed as "recent" (days). Default 14. */
    recentIncidentDays: z.number().int().min(1).max(365).default(14),
    /** The HTML page. */
    page: z
      .object({
        /** Serve the page. Default `true`. */
        enabled: z.boolean().default(true),
        /** Default `/status`. */
        path: z
          .string()
          .regex(/^\/[a-zA-Z0-9/_.-]*$/, 'an absolute URL path')
          .default('/status'),
        /** Page title. Default `<service> status`. Env `LOOKOUT_STATUS_PAGE_TITLE`. */
        title: publicText(120).optional(),
        /** One line under the title. */
        description: publicText(300).optional(),
        /** How often the page refetches (s). Default 30. */
        refreshSeconds: z.number().int().min(1).max(3600).default(30),
        /** A fetch slower than this (ms) is abandoned and the last data is shown as stale. Default 5000. */
        timeoutMs: z.number().int().min(100).max(60_000).default(5000),
      })
      .strict()
      .default({}),
    /**
     * Incidents opened by SLO page alerts: alerts handed to `lookout.status.handleAlert()` that match open
     * (firing) or resolve (resolved) an automatic incident on `component`.
     */
    sloIncidents: z
      .object({
        /** Default `false`. Env `LOOKOUT_STATUS_SLO_INCIDENTS`. */
        enabled: z.boolean().default(false),
        /** Component the incident is about. Default `api`. */
        component: componentId.default('api'),
        /** Shown name of that component when it is not a sampled one. Default `API`. */
        componentName: publicText(80).default('API'),
        /** Alert names that count. Default the SLO burn alert `SloErrorBudgetBurn`. */
        alertnames: z.array(z.string().min(1)).min(1).default(['SloErrorBudgetBurn']),
        /** Severities that count (pages). Default `critical`. */
        severities: z.array(z.string().min(1)).min(1).default(['critical']),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({})

export const statusEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_STATUS_ENABLED', path: 'status.enabled', parse: 'bool' },
  { env: 'LOOKOUT_STATUS_INTERVAL_MS', path: 'status.intervalMs', parse: 'int' },
  { env: 'LOOKOUT_STATUS_OPEN_AFTER', path: 'status.openAfter', parse: 'int' },
  { env: 'LOOKOUT_STATUS_RESOLVE_AFTER', path: 'status.resolveAfter', parse: 'int' },
  { env: 'LOOKOUT_STATUS_INCLUDE', path: 'status.include', parse: 'list' },
  { env: 'LOOKOUT_STATUS_EXCLUDE', path: 'status.exclude', parse: 'list' },
  { env: 'LOOKOUT_STATUS_PAGE_TITLE', path: 'status.page.title', parse: 'string' },
  { env: 'LOOKOUT_STATUS_SLO_INCIDENTS', path: 'status.sloIncidents.enabled', parse: 'bool' },
]
