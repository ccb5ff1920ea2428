import { randomBytes } from 'node:crypto'
import type { Selectable } from 'kysely'
import type { RepositoryContext } from '../storeDb.ts'
import type { AlertDeliveriesTable } from '../storeSchema.ts'

/** What a delivery does at the channel. */
export type DeliveryAction = 'trigger' | 'resolve' | 'acknowledge'
/** Where a delivery is in its life. */
export type DeliveryState = 'pending' | 'in_flight' | 'delivered' | 'dead'

/** One delivery to enqueue (the outbox row). */
export interface NewDelivery {
  readonly eventId: number
  readonly tenant: string
  readonly channelId: string
  readonly channelType: string
  readonly action: DeliveryAction
  readonly dedupKey: string
  /** Default: now. */
  readonly nextAttemptAt?: number
}

/** One delivery as read. */
export interface Delivery {
  readonly id: number
  readonly eventId: number
  readonly tenant: string
  readonly channelId: string
  readonly channelType: string
  readonly action: DeliveryAction
  readonly dedupKey: string
  readonly state: DeliveryState
  readonly attempts: number
  readonly nextAttemptAt: number
  readonly lastStatus: number | null
  readonly lastError: string | null
  /**
   * The claim token while in flight: `<owner>#<random>`, new on every claim, so an attempt whose claim was taken
   * over (even by the same owner after its lease expired) can no longer record or renew.
   */
  readonly leaseOwner: string | null
  readonly leaseUntil: number | null
  readonly createdAt: number
  readonly updatedAt: number
  readonly deliveredAt: number | null
}

/** The result of one attempt, recorded by {@link AlertDeliveriesRepository.complete}. */
export interface DeliveryOutcome {
  /** `delivered`, `pending` (retry at `nextAttemptAt`) or `dead`. */
  readonly state: 'delivered' | 'pending' | 'dead'
  /** HTTP status of the attempt, when there was one. */
  readonly status?: number | undefined
  /** Short, redacted error text (cut to 500 characters). */
  readonly error?: string | undefined
  /** Required for `pending`. */
  readonly nextAttemptAt?: number | undefined
}

/** The delivery outbox. */
export interface AlertDeliveriesRepository {
  insertMany(rows: readonly NewDelivery[]): Promise<number[]>
  /**
   * Claims up to `limit` due deliveries for `owner` (state → `in_flight`, lease until now + `leaseMs`): pending
   * ones whose time has come and in-flight ones whose lease expired (a worker that crashed or stalled). On
   * PostgreSQL the rows are locked with `FOR UPDATE SKIP LOCKED`, so concurrent workers never claim the same row.
   * Each returned delivery's `leaseOwner` is this claim's token, which `renew`, `complete` and `release` take.
   * A delivery waits while an earlier one for the same tenant, channel and dedup key is unfinished (pending or in
   * flight), so a channel never receives an alert's resolve before its trigger, even when the trigger is retried.
   */
  claimDue(owner: string, leaseMs: number, limit: number): Promise<Delivery[]>
  /**
   * Extends a claim to now + `leaseMs` while its attempt is in flight. `false` when the claim was taken over (the
   * attempt must not send, or record, anything more).
   */
  renew(id: number, token: string, leaseMs: number): Promise<boolean>
  /** Records an attempt; only applies while the claim `token` still holds the row. Returns whether it applied. */
  complete(id: number, token: string, outcome: DeliveryOutcome): Promise<boolean>
  /** Gives back a claimed delivery untouched (on shutdown), so another worker may take it at once. */
  release(id: number, token: string): Promise<void>
  get(id: number): Promise<Delivery | undefined>
  /** Deliveries of these events, by event id, oldest first. */
  listForEvents(eventIds: readonly number[]): Promise<Map<number, Delivery[]>>
  /** Deliveries not yet finished (`pending` + `in_flight`). */
  countPending(): Promise<number>
  /** Earliest `next_attempt_at` among pending deliveries, if any. */
  nextDueAt(): Promise<number | undefined>
  /** Puts a dead delivery back in the queue (attempts reset). Returns whether it was dead. */
  requeue(id: number): Promise<boolean>
  /** Deletes finished (`delivered`/`dead`) deliveries created before `before`; returns how many. */
  deleteFinishedBefore(before: number): Promise<number>
}

function toDelivery(r: Selectable<AlertDeliveriesTable>): Delivery {
  return {
    id: Number(r.id),
    eventId: Number(r.event_id),
    tenant: r.tenant,
    channelId: r.channel_id,
    channelType: r.channel_type,
    action: r.action as DeliveryAction,
    dedupKey: r.dedup_key,
    state: r.state as DeliveryState,
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    lastError: r.last_error,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until === null ? null : Number(r.lease_until),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
  }
}

/**
 * Creates the delivery outbox repository.
 *
 * @example
 * const outbox = createAlertDeliveriesRepository(ctx)
 * const batch = await outbox.claimDue('worker-1', 30_000, 10)
 */
export function createAlertDeliveriesRepository(ctx: RepositoryContext): AlertDeliveriesRepository {
  const { db } = ctx
  return {
    async insertMany(rows) {
      if (rows.length === 0) return []
      const now = ctx.now()
      const out = await db
        .insertInto('alert_deliveries')
        .values(
          rows.map((r) => ({
            event_id: r.eventId,
            tenant: r.tenant,
            channel_id: r.channelId,
            channel_type: r.channelType,
            action: r.action,
            dedup_key: r.dedupKey,
            state: 'pending',
            attempts: 0,
            next_attempt_at: r.nextAttemptAt ?? now,
            created_at: now,
            updated_at: now,
          })),
        )
        .returning('id')
        .execute()
      return out.map((r) => Number(r.id))
    },
    async claimDue(owner, leaseMs, limit) {
      const now = ctx.now()
      const token = `${owner}#${randomBytes(6).toString('hex')}`
      const rows = await db
        .updateTable('alert_deliveries')
        .set({ state: 'in_flight', lease_owner: token, lease_until: now + leaseMs, updated_at: now })
        .where('id', 'in', (eb) => {
          const due = eb
            .selectFrom('alert_deliveries as d')
            .select('d.id')
            .where((w) =>
              w.or([
                w.and([w('d.state', '=', 'pending'), w('d.next_attempt_at', '<=', now)]),
                w.and([w('d.state', '=', 'in_flight'), w('d.lease_until', '<', now)]),
              ]),
            )
            // A channel sees one alert's actions in the order they were enqueued: never a resolve before its trigger.
            .where((w) =>
              w.not(
                w.exists(
                  w
                    .selectFrom('alert_deliveries as e')
                    .select('e.id')
                    .whereRef('e.tenant', '=', 'd.tenant')
                    .whereRef('e.channel_id', '=', 'd.channel_id')
                    .whereRef('e.dedup_key', '=', 'd.dedup_key')
                    .whereRef('e.id', '<', 'd.id')
                    .where('e.state', 'in', ['pending', 'in_flight']),
                ),
              ),
            )
            .orderBy('d.next_attempt_at')
            .orderBy('d.id')
            .limit(limit)
          return ctx.engine === 'postgres' ? due.forUpdate().skipLocked() : due
        })
        .returningAll()
        .execute()
      return rows.map(toDelivery).sort((a, b) => a.id - b.id)
    },
    async renew(id, token, leaseMs) {
      const now = ctx.now()
      const res = await db
        .updateTable('alert_deliveries')
        .set({ lease_until: now + leaseMs, updated_at: now })
        .where('id', '=', id)
        .where('lease_owner', '=', token)
        .where('state', '=', 'in_flight')
        .executeTakeFirst()
      return Number(res.numUpdatedRows) > 0
    },
    async complete(id, token, outcome) {
      const now = ctx.now()
      const res = await db
        .updateTable('alert_deliveries')
        .set((eb) => ({
          state: outcome.state,
          attempts: eb('attempts', '+', 1),
          last_status: outcome.status ?? null,
          last_error: outcome.error === undefined ? null : outcome.error.slice(0, 500),
          next_attempt_at:
            outcome.state === 'pending' ? (outcome.nextAttemptAt ?? now) : eb.ref('next_attempt_at'),
          delivered_at: outcome.state === 'delivered' ? now : null,
          lease_owner: null,
          lease_until: null,
          updated_at: now,
        }))
        .where('id', '=', id)
        .where('lease_owner', '=', token)
        .where('state', '=', 'in_flight')
        .executeTakeFirst()
      return Number(res.numUpdatedRows) > 0
    },
    async release(id, token) {
      await db
        .updateTable('alert_deliveries')
        .set({ state: 'pending', lease_owner: null, lease_until: null, updated_at: ctx.now() })
        .where('id', '=', id)
        .where('lease_owner', '=', token)
        .where('state', '=', 'in_flight')
        .execute()
    },
    async get(id) {
      const row = await db.selectFrom('alert_deliveries').selectAll().where('id', '=', id).executeTakeFirst()
      return row === undefined ? undefined : toDelivery(row)
    },
    async listForEvents(eventIds) {
      const out = new Map<number, Delivery[]>()
      if (eventIds.length === 0) return out
      const rows = await db
        .selectFrom('alert_deliveries')
        .selectAll()
        .where('event_id', 'in', [...eventIds])
        .orderBy('id')
        .execute()
      for (const row of rows) {
        const d = toDelivery(row)
        const list = out.get(d.eventId)
        if (list === undefined) out.set(d.eventId, [d])
        else list.push(d)
      }
      return out
    },
    async countPending() {
      const row = await db
        .selectFrom('alert_deliveries')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('state', 'in', ['pending', 'in_flight'])
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },
    async nextDueAt() {
      const row = await db
        .selectFrom('alert_deliveries')
        .select((eb) => eb.fn.min('next_attempt_at').as('t'))
        .where('state', '=', 'pending')
        .executeTakeFirst()
      return row?.t === null || row?.t === undefined ? undefined : Number(row.t)
    },
    async requeue(id) {
      const now = ctx.now()
      const res = await db
        .updateTable('alert_deliveries')
        .set({ state: 'pending', attempts: 0, next_attempt_at: now, updated_at: now })
        .where('id', '=', id)
        .where('state', '=', 'dead')
        .executeTakeFirst()
      return Number(res.numUpdatedRows) > 0
    },
    async deleteFinishedBefore(before) {
      const res = await db
        .deleteFrom('alert_deliveries')
        .where('created_at', '<', before)
        .where('state', 'in', ['delivered', 'dead'])
        .executeTakeFirst()
      return Number(res.numDeletedRows)
    },
  }
}
