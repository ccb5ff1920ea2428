import { randomUUID } from 'node:crypto'
import type { LookoutHost } from '../core/lookoutHost.ts'
import { configInvalidError, storeDisabledError, storeNotStartedError } from '../errors.ts'
import type { Health } from '../health/installHealth.ts'
import { createStore, type Store } from './createStore.ts'
import { pruneHistory } from './retentionJob.ts'
import { storeWanted } from './storeWanted.ts'

/** Name of the lease that elects the replica running retention. */
export const RETENTION_LEASE = 'lookout:retention'

/** The store area's API: the store once open, and this instance's lease owner id. */
export interface StoreApi {
  /** Whether the store opens at all (see {@link storeWanted}); when `false`, `store` always throws. */
  readonly enabled: boolean
  /** The open store; throws `LOOKOUT_ERR_STORE_NOT_STARTED` before the `store` area started and after it stopped. */
  readonly store: Store
  /** This instance's lease owner id (`<instance>:<pid>:<random>`), for `store.acquireLease(name, owner, ttl)`. */
  readonly owner: string
}

/** What the store needs from other areas. */
export interface StoreDeps {
  /** Health, for the non-critical `lookout-store` check. */
  readonly health: Health
}

/**
 * Installs the ops store when it is wanted (see {@link storeWanted}): opened and migrated by the `store` area's
 * start, closed by shutdown. A leader-only retention job prunes history every `store.retention.intervalSeconds`.
 * Without `store.path` / `store.url` it is SQLite in memory: nothing is written to disk. Throws
 * `LOOKOUT_ERR_STORE_DISABLED` when alerting or the status page is on with `store.enabled: false`.
 *
 * @example
 * const stored = installStore(host, { health })
 * await lookout.start()
 * await stored.store.incidents.list({ open: true })
 */
export function installStore(lookout: LookoutHost, { health }: StoreDeps): StoreApi {
  const config = lookout.config.store
  if (config.path !== undefined && config.url !== undefined) {
    throw configInvalidError([
      { path: 'store.path', env: 'LOOKOUT_STORE_PATH', message: 'set store.path or store.url, not both' },
    ])
  }
  if (config.enabled === false) {
    if (lookout.config.alerting.enabled) throw storeDisabledError('alerting')
    if (lookout.config.status.enabled) throw storeDisabledError('status')
  }
  const owner = `${lookout.config.instance}:${process.pid}:${randomUUID().slice(0, 8)}`
  let store: Store | undefined
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let stopped = false

  const runRetention = () => {
    if (store === undefined || running !== undefined) return
    const s = store
    running = (async () => {
      try {
        const ttl = config.retention.intervalSeconds * 2000
        if (!(await s.acquireLease(RETENTION_LEASE, owner, ttl))) return
        const result = await pruneHistory(s, config.retention)
        lookout.logger.info({ event: 'store_retention', ...result }, 'store retention ran')
      } catch (err) {
        lookout.logger.warn({ event: 'store_retention_failed', err }, 'store retention failed')
      } finally {
        running = undefined
      }
    })()
  }

  if (!storeWanted(lookout.config)) {
    return {
      enabled: false,
      get store(): Store {
        throw storeNotStartedError()
      },
      owner,
    }
  }

  // Lookout's own state: non-critical (the app can serve without it; alerts wait in their outbox), so a store
  // outage degrades /health to `warn` and shows on the status page without failing readiness.
  health.addCheck({
    name: 'lookout-store',
    componentType: 'datastore',
    critical: false,
    timeoutMs: 2000,
    endpoint: storeEndpoint(config.url),
    async run() {
      if (store === undefined) throw new Error('the ops store is not open')
      await store.ping()
    },
  })

  lookout.addArea({
    name: 'store',
    async start() {
      if (store !== undefined || stopped) return
      const s = createStore({
        url: config.url,
        path: config.path,
        option:
          config.path === undefined ? 'store.url (LOOKOUT_STORE_URL)' : 'store.path (LOOKOUT_STORE_PATH)',
        poolMax: config.poolMax,
        busyTimeoutMs: config.busyTimeoutMs,
        onError: (err) => lookout.logger.warn({ event: 'store_pool_error', err }, 'store connection error'),
      })
      try {
        if (config.migrate) await s.migrate()
        else await s.ping()
      } catch (err) {
        await s.close().catch(() => {})
        throw err
      }
      store = s
      lookout.logger.info({ event: 'store_open', engine: s.engine }, 'ops store open')
      if (config.path === undefined && config.url === undefined) {
        lookout.logger.warn(
          { event: 'store_in_memory' },
          'ops store in memory (store.path / LOOKOUT_STORE_PATH unset): alert history, incidents and status samples are lost on restart',
        )
      }
      timer = setInterval(runRetention, config.retention.intervalSeconds * 1000)
      timer.unref()
      // First run soon after start rather than an interval later (still off the start-up path).
      setTimeout(runRetention, 5_000).unref()
    },
    async stop() {
      stopped = true
      if (timer !== undefined) clearInterval(timer)
      timer = undefined
      await running
      const s = store
      if (s === undefined) return
      store = undefined
      await s.releaseLease(RETENTION_LEASE, owner).catch(() => {})
      await s.close()
    },
  })

  return {
    enabled: true,
    get store() {
      if (store === undefined) throw storeNotStartedError()
      return store
    },
    owner,
  }
}

/** Host[:port] of a PostgreSQL store URL, or `sqlite` — never credentials. */
function storeEndpoint(url: string | undefined): string {
  if (url === undefined || url.startsWith('sqlite:')) return 'sqlite'
  try {
    const u = new URL(url)
    return u.port ? `${u.hostname}:${u.port}` : u.hostname
  } catch {
    return 'postgres'
  }
}
