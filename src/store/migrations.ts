import type { ColumnDefinitionBuilder, Kysely, Migration, MigrationProvider } from 'kysely'

/** The two engines the store runs on. */
export type StoreEngine = 'sqlite' | 'postgres'

type Db = Kysely<unknown>

/** An auto-increment integer primary key in the engine's own spelling. */
function idType(engine: StoreEngine): 'integer' | 'bigserial' {
  return engine === 'sqlite' ? 'integer' : 'bigserial'
}

function idColumn(engine: StoreEngine) {
  return (c: ColumnDefinitionBuilder) =>
    engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()
}

/**
 * Every schema migration, in order, defined in code (no files to ship or find at run time). The same list runs
 * on SQLite and PostgreSQL; the few spelling differences (auto-increment ids) are decided by `engine`.
 * Migrations are append-only: a released migration is never edited, a change is a new entry.
 *
 * @example
 * const migrator = new Migrator({ db, provider: createMigrationProvider('sqlite') })
 * await migrator.migrateToLatest()
 */
export function createMigrationProvider(engine: StoreEngine): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001_initial': {
      async up(db: Db) {
        const id = idColumn(engine)
        const idT = idType(engine)
        await db.schema
          .createTable('alert_routes')
          .addColumn('tenant', 'text', (c) => c.primaryKey())
          .addColumn('config', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute()

        await db.schema
          .createTable('alert_events')
          .addColumn('id', idT, id)
          .addColumn('tenant', 'text', (c) => c.notNull())
          .addColumn('fingerprint', 'text', (c) => c.notNull())
          .addColumn('alertname', 'text', (c) => c.notNull())
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('summary', 'text', (c) => c.notNull())
          .addColumn('labels', 'text', (c) => c.notNull())
          .addColumn('annotations', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('suppressed', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('alert_events_tenant_id')
          .on('alert_events')
          .columns(['tenant', 'id'])
          .execute()
        await db.schema
          .createIndex('alert_events_fingerprint')
          .on('alert_events')
          .columns(['fingerprint', 'id'])
          .execute()
        await db.schema.createIndex('alert_events_created').on('alert_events').column('created_at').execute()

        await db.schema
          .createTable('alert_deliveries')
          .addColumn('id', idT, id)
          .addColumn('event_id', 'bigint', (c) => c.notNull())
          .addColumn('tenant', 'text', (c) => c.notNull())
          .addColumn('channel_id', 'text', (c) => c.notNull())
          .addColumn('channel_type', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('dedup_key', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
          .addColumn('last_status', 'integer')
          .addColumn('last_error', 'text')
          .addColumn('lease_owner', 'text')
          .addColumn('lease_until', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addColumn('delivered_at', 'bigint')
          .addUniqueConstraint('alert_deliveries_event_channel_action', ['event_id', 'channel_id', 'action'])
          .execute()
        await db.schema
          .createIndex('alert_deliveries_due')
          .on('alert_deliveries')
          .columns(['state', 'next_attempt_at'])
          .execute()
        await db.schema
          .createIndex('alert_deliveries_event')
          .on('alert_deliveries')
          .column('event_id')
          .execute()

        await db.schema
          .createTable('alert_idempotency')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('alert_idempotency_created')
          .on('alert_idempotency')
          .column('created_at')
          .execute()

        await db.schema
          .createTable('slo_configs')
          .addColumn('tenant', 'text', (c) => c.primaryKey())
          .addColumn('config', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute()

        await db.schema
          .createTable('slo_buckets')
          .addColumn('tenant', 'text', (c) => c.notNull())
          .addColumn('slo', 'text', (c) => c.notNull())
          .addColumn('bucket_start', 'bigint', (c) => c.notNull())
          .addColumn('good', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('total', 'bigint', (c) => c.notNull().defaultTo(0))
          .addPrimaryKeyConstraint('slo_buckets_pk', ['tenant', 'slo', 'bucket_start'])
          .execute()
        await db.schema.createIndex('slo_buckets_start').on('slo_buckets').column('bucket_start').execute()

        await db.schema
          .createTable('slo_measurements')
          .addColumn('id', idT, id)
          .addColumn('tenant', 'text', (c) => c.notNull())
          .addColumn('slo', 'text', (c) => c.notNull())
          .addColumn('measured_at', 'bigint', (c) => c.notNull())
          .addColumn('compliance', 'double precision', (c) => c.notNull())
          .addColumn('budget_remaining', 'double precision', (c) => c.notNull())
          .addColumn('burn_rate', 'double precision', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('detail', 'text')
          .execute()
        await db.schema
          .createIndex('slo_measurements_lookup')
          .on('slo_measurements')
          .columns(['tenant', 'slo', 'measured_at'])
          .execute()

        await db.schema
          .createTable('health_samples')
          .addColumn('id', idT, id)
          .addColumn('component', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('latency_ms', 'double precision')
          .addColumn('detail', 'text')
          .addColumn('sampled_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('health_samples_component')
          .on('health_samples')
          .columns(['component', 'sampled_at'])
          .execute()
        await db.schema
          .createIndex('health_samples_sampled')
          .on('health_samples')
          .column('sampled_at')
          .execute()

        await db.schema
          .createTable('incidents')
          .addColumn('id', idT, id)
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('impact', 'text', (c) => c.notNull())
          .addColumn('components', 'text', (c) => c.notNull())
          .addColumn('automatic', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('started_at', 'bigint', (c) => c.notNull())
          .addColumn('resolved_at', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('incidents_started').on('incidents').column('started_at').execute()

        await db.schema
          .createTable('incident_updates')
          .addColumn('id', idT, id)
          .addColumn('incident_id', 'bigint', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('incident_updates_incident')
          .on('incident_updates')
          .columns(['incident_id', 'id'])
          .execute()

        await db.schema
          .createTable('maintenance_windows')
          .addColumn('id', idT, id)
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('components', 'text', (c) => c.notNull())
          .addColumn('starts_at', 'bigint', (c) => c.notNull())
          .addColumn('ends_at', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('maintenance_windows_ends')
          .on('maintenance_windows')
          .column('ends_at')
          .execute()

        await db.schema
          .createTable('leases')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('until', 'bigint', (c) => c.notNull())
          .execute()
      },
      async down(db: Db) {
        for (const table of [
          'leases',
          'maintenance_windows',
          'incident_updates',
          'incidents',
          'health_samples',
          'slo_measurements',
          'slo_buckets',
          'slo_configs',
          'alert_idempotency',
          'alert_deliveries',
          'alert_events',
          'alert_routes',
        ]) {
          await db.schema.dropTable(table).ifExists().execute()
        }
      },
    },
    '0002_alert_deliveries_order': {
      // claimDue skips a delivery while an earlier one of the same (tenant, channel, dedup key) is unfinished.
      async up(db: Db) {
        await db.schema
          .createIndex('alert_deliveries_order')
          .on('alert_deliveries')
          .columns(['tenant', 'channel_id', 'dedup_key', 'id'])
          .execute()
      },
      async down(db: Db) {
        await db.schema.dropIndex('alert_deliveries_order').ifExists().execute()
      },
    },
  }
  return { getMigrations: async () => migrations }
}
