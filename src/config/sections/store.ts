import { z } from 'zod'
import type { EnvBinding } from '../envBinding.ts'
import { secret } from '../secret.ts'

/**
 * The ops store: where alert routes, alert history, the delivery outbox, SLO buckets, health samples,
 * incidents and leases live. It opens only when an area that keeps state is on (alerting, the status page) or
 * when `path` / `url` is set, and writes nothing to disk unless told where:
 *
 * - neither `path` nor `url` → SQLite in memory (state is lost on restart; a warning says so at start-up).
 * - `path: '/var/lib/app/lookout.db'` (or `url: 'sqlite:/var/lib/app/lookout.db'`) → that SQLite file, through
 *   Node's built-in `node:sqlite` (no native build). Its directory is created if missing.
 * - `url: 'postgres://user:pass@host:5432/db'` (or `postgresql://`) → PostgreSQL through a `pg` pool (install
 *   `pg` next to Lookout); the choice for several replicas.
 *
 * The URL may carry a password, so it is secret (masked in `/observability/config`).
 *
 * @example
 * { store: { path: '/var/lib/identity/lookout.db' } }
 * { store: { url: 'postgres://lookout:secret@db:5432/lookout', retention: { alertHistoryDays: 30 } } }
 */
export const storeSchema = z
  .object({
    /**
     * Open the store: `false` keeps it closed (areas that need it then refuse to start), `true` opens it even
     * when no area needs it. Default: open when alerting or the status page is on, or `path` / `url` is set.
     * Env `LOOKOUT_STORE_ENABLED`.
     */
    enabled: z.boolean().optional(),
    /**
     * SQLite file of the store (relative paths against the working directory). Default: none (in memory).
     * Env `LOOKOUT_STORE_PATH`.
     */
    path: z.string().min(1).optional(),
    /** Store URL (`sqlite:<path>` or `postgres://…`); the alternative to `path`. Default: none. Env `LOOKOUT_STORE_URL`. */
    url: secret(
      z
        .string()
        .min(1)
        .refine(
          (u) => /^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(u),
          'a sqlite:<path> or postgres:// URL',
        ),
    ).optional(),
    /** Run migrations at start. Default `true`. Env `LOOKOUT_STORE_MIGRATE`. */
    migrate: z.boolean().default(true),
    /** PostgreSQL pool size. Default 10. Env `LOOKOUT_STORE_POOL_MAX`. */
    poolMax: z.number().int().min(1).max(200).default(10),
    /** SQLite busy timeout in milliseconds. Default 5000. */
    busyTimeoutMs: z.number().int().min(0).max(600_000).default(5000),
    /** How long history is kept; a leader-only job prunes older rows. */
    retention: z
      .object({
        /** Alert events, their deliveries and Alertmanager idempotency keys. Default 90 days. */
        alertHistoryDays: z.number().int().min(1).max(3650).default(90),
        /** Health samples (the status page shows 90 days). Default 90 days. */
        healthSamplesDays: z.number().int().min(1).max(3650).default(90),
        /** SLO measurement buckets. Default 400 days. */
        sloBucketsDays: z.number().int().min(1).max(3650).default(400),
        /** Resolved incidents and their updates. Default 365 days. */
        incidentsDays: z.number().int().min(1).max(3650).default(365),
        /** How often the retention job runs, in seconds. Default 3600. Env `LOOKOUT_STORE_RETENTION_INTERVAL`. */
        intervalSeconds: z.number().int().min(1).max(86_400).default(3600),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({})

export const storeEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_STORE_ENABLED', path: 'store.enabled', parse: 'bool' },
  { env: 'LOOKOUT_STORE_PATH', path: 'store.path', parse: 'string' },
  { env: 'LOOKOUT_STORE_URL', path: 'store.url', parse: 'string' },
  { env: 'LOOKOUT_STORE_MIGRATE', path: 'store.migrate', parse: 'bool' },
  { env: 'LOOKOUT_STORE_POOL_MAX', path: 'store.poolMax', parse: 'int' },
  { env: 'LOOKOUT_STORE_RETENTION_INTERVAL', path: 'store.retention.intervalSeconds', parse: 'int' },
]
