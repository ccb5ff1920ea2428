import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Kysely, Migrator } from 'kysely'
import { dependencyMissingError, storePathError, storeUnavailableError } from '../errors.ts'
import { lazyRequire } from '../util/lazyRequire.ts'
import { requireNodeSqlite } from '../util/requireNodeSqlite.ts'
import { kysely } from './kyselyModule.ts'
import { createMigrationProvider, type StoreEngine } from './migrations.ts'
import { nodeSqliteDatabase } from './nodeSqliteDatabase.ts'
import { parseStoreUrl, type StoreTarget } from './parseStoreUrl.ts'
import {
  type AlertDeliveriesRepository,
  createAlertDeliveriesRepository,
} from './repositories/alertDeliveriesRepository.ts'
import {
  type AlertEventsRepository,
  createAlertEventsRepository,
} from './repositories/alertEventsRepository.ts'
import {
  type AlertIdempotencyRepository,
  createAlertIdempotencyRepository,
} from './repositories/alertIdempotencyRepository.ts'
import {
  type AlertRoutesRepository,
  createAlertRoutesRepository,
} from './repositories/alertRoutesRepository.ts'
import {
  createHealthSamplesRepository,
  type HealthSamplesRepository,
} from './repositories/healthSamplesRepository.ts'
import { createIncidentsRepository, type IncidentsRepository } from './repositories/incidentsRepository.ts'
import { createLeasesRepository, type LeasesRepository } from './repositories/leasesRepository.ts'
import {
  createMaintenanceWindowsRepository,
  type MaintenanceWindowsRepository,
} from './repositories/maintenanceWindowsRepository.ts'
import { createSloBucketsRepository, type SloBucketsRepository } from './repositories/sloBucketsRepository.ts'
import { createSloConfigsRepository, type SloConfigsRepository } from './repositories/sloConfigsRepository.ts'
import {
  createSloMeasurementsRepository,
  type SloMeasurementsRepository,
} from './repositories/sloMeasurementsRepository.ts'
import { inTransaction, type RepositoryContext, type StoreDb } from './storeDb.ts'
import type { StoreSchema } from './storeSchema.ts'

// Loaded when the store is PostgreSQL, not when Lookout is imported (see lazyRequire); `pg` is an optional peer.
const pgModule = lazyRequire<typeof import('pg')>('pg')

/** Every repository, bound to one handle (the pool, or one transaction). */
export interface StoreRepositories {
  readonly alertRoutes: AlertRoutesRepository
  readonly alertEvents: AlertEventsRepository
  readonly alertDeliveries: AlertDeliveriesRepository
  readonly alertIdempotency: AlertIdempotencyRepository
  readonly sloConfigs: SloConfigsRepository
  readonly sloBuckets: SloBucketsRepository
  readonly sloMeasurements: SloMeasurementsRepository
  readonly healthSamples: HealthSamplesRepository
  readonly incidents: IncidentsRepository
  readonly maintenanceWindows: MaintenanceWindowsRepository
  readonly leases: LeasesRepository
}

/** The ops store: repositories over SQLite or PostgreSQL, plus transactions, migrations and leases. */
export interface Store extends StoreRepositories {
  readonly engine: StoreEngine
  /**
   * The Kysely handle. Only code under `src/store/` writes queries; other areas use the repositories (ask the
   * store owner for a new repository method rather than writing SQL elsewhere).
   */
  readonly db: StoreDb
  /** Runs `fn` with repositories bound to one transaction: all of its writes commit together or not at all. */
  transaction<T>(fn: (tx: StoreRepositories) => Promise<T>): Promise<T>
  /** Applies pending migrations (idempotent; safe when several replicas start together). */
  migrate(): Promise<void>
  /** A trivial query; rejects when the store is unreachable (use as a health check). */
  ping(): Promise<void>
  /**
   * Leader lease helper for background jobs: `true` when `owner` holds (or now takes) lease `name` for `ttlMs`.
   * Call it again before each run to renew.
   */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean>
  /** Gives up a lease (on shutdown). */
  releaseLease(name: string, owner: string): Promise<void>
  /** Closes the pool / file (idempotent). */
  close(): Promise<void>
}

/** Options of {@link createStore}. */
export interface CreateStoreOptions {
  /** `sqlite:<path>`, `postgres://…`; unset (and no `path`) → SQLite in memory. */
  readonly url?: string | undefined
  /** SQLite file (the alternative to `url`), relative to `cwd`. */
  readonly path?: string | undefined
  /** The option `path` / `url` came from, named in errors. Default `store.path` / `store.url`. */
  readonly option?: string
  /** PostgreSQL pool size. Default 10. */
  readonly poolMax?: number
  /** SQLite busy timeout (ms). Default 5000. */
  readonly busyTimeoutMs?: number
  /** Clock in epoch ms. Default `Date.now`. */
  readonly now?: () => number
  /** Directory relative SQLite paths are resolved against. Default `process.cwd()`. */
  readonly cwd?: string
  /** Told about idle PostgreSQL client errors (which would otherwise crash the process). Must not throw. */
  readonly onError?: (error: unknown) => void
}

/**
 * Opens the store (does not migrate: call `migrate()`, or let `lookout.start()` do it). SQLite runs in WAL
 * mode so a killed process loses nothing it committed; PostgreSQL reads `bigint` columns back as numbers.
 *
 * @example
 * const store = createStore({ url: 'sqlite:/tmp/lookout.db' })
 * await store.migrate()
 * await store.alertRoutes.put('acme', config)
 * await store.close()
 */
export function createStore(options: CreateStoreOptions = {}): Store {
  const target: StoreTarget =
    options.path === undefined
      ? parseStoreUrl(options.url, options.cwd)
      : { engine: 'sqlite', path: resolve(options.cwd ?? process.cwd(), options.path) }
  const now = options.now ?? Date.now
  const { db, closeDriver } = openKysely(target, options)
  const engine = target.engine
  const repos = (handle: StoreDb): StoreRepositories => {
    const ctx: RepositoryContext = { db: handle, engine, now }
    return {
      alertRoutes: createAlertRoutesRepository(ctx),
      alertEvents: createAlertEventsRepository(ctx),
      alertDeliveries: createAlertDeliveriesRepository(ctx),
      alertIdempotency: createAlertIdempotencyRepository(ctx),
      sloConfigs: createSloConfigsRepository(ctx),
      sloBuckets: createSloBucketsRepository(ctx),
      sloMeasurements: createSloMeasurementsRepository(ctx),
      healthSamples: createHealthSamplesRepository(ctx),
      incidents: createIncidentsRepository(ctx),
      maintenanceWindows: createMaintenanceWindowsRepository(ctx),
      leases: createLeasesRepository(ctx),
    }
  }
  const base = repos(db)
  let closed: Promise<void> | undefined
  return {
    ...base,
    engine,
    db,
    transaction(fn) {
      return inTransaction(db, (tx) => fn(repos(tx)))
    },
    async migrate() {
      const migrator = new (kysely().Migrator)({ db, provider: createMigrationProvider(engine) })
      let outcome: Awaited<ReturnType<Migrator['migrateToLatest']>>
      try {
        outcome = await migrator.migrateToLatest()
      } catch (err) {
        throw storeUnavailableError(engine, 'cannot connect or migrate', err)
      }
      if (outcome.error !== undefined) {
        const failed = outcome.results?.find((r) => r.status === 'Error')?.migrationName
        throw storeUnavailableError(engine, `migration ${failed ?? '(connection)'} failed`, outcome.error)
      }
    },
    async ping() {
      await kysely().sql`select 1`.execute(db)
    },
    acquireLease: (name, owner, ttlMs) => base.leases.acquire(name, owner, ttlMs),
    releaseLease: (name, owner) => base.leases.release(name, owner),
    close() {
      closed ??= (async () => {
        try {
          await db.destroy()
        } finally {
          closeDriver()
        }
      })()
      return closed
    },
  }
}

function openKysely(
  target: StoreTarget,
  options: CreateStoreOptions,
): { db: Kysely<StoreSchema>; closeDriver: () => void } {
  const { Kysely, PostgresDialect, SqliteDialect } = kysely()
  if (target.engine === 'sqlite') {
    const database = openSqlite(target.path, options)
    const db = new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database }) })
    return {
      db,
      closeDriver() {
        database.close()
      },
    }
  }
  let pg: typeof import('pg')
  try {
    pg = pgModule()
  } catch (err) {
    throw dependencyMissingError('pg', 'A PostgreSQL store', err)
  }
  const int8 = (text: string) => Number(text)
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // bigint (int8) columns hold epoch ms and ids: well inside 2^53, so read them as numbers. Per pool, not the
    // global pg.types, so an application's own pg usage is unaffected.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? int8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  })
  const report = (err: unknown) => {
    try {
      options.onError?.(err)
    } catch {
      // ignored
    }
  }
  pool.on('error', report)
  // A client checked out by Kysely when the server goes away emits 'error' too; without a listener that would be
  // an uncaught exception. The failing query itself still rejects (and callers answer 503 / retry).
  pool.on('connect', (client) => {
    client.on('error', report)
  })
  const db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) })
  return { db, closeDriver() {} }
}

/** Opens (creating if needed) the SQLite file in WAL mode; a path that cannot be used is `LOOKOUT_ERR_STORE_PATH`. */
function openSqlite(path: string, options: CreateStoreOptions): ReturnType<typeof nodeSqliteDatabase> {
  const option = options.option ?? (options.path === undefined ? 'store.url' : 'store.path')
  const busy = Math.trunc(options.busyTimeoutMs ?? 5000)
  let database: InstanceType<typeof import('node:sqlite').DatabaseSync> | undefined
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    // Built in from Node 22.13; loaded when a SQLite store opens, without Node 22's experimental warning.
    database = new (requireNodeSqlite().DatabaseSync)(path)
    database.exec(`PRAGMA busy_timeout = ${busy}`)
    database.exec('PRAGMA journal_mode = WAL')
    // NORMAL in WAL mode: a committed transaction survives a killed process (not an OS crash / power loss).
    database.exec('PRAGMA synchronous = NORMAL')
  } catch (err) {
    try {
      database?.close()
    } catch {
      // already closed
    }
    const code = (err as NodeJS.ErrnoException).code
    const reason = code !== undefined && code !== 'ERR_SQLITE_ERROR' ? code : (err as Error).message
    throw storePathError(option, path, reason, err)
  }
  return nodeSqliteDatabase(database)
}
