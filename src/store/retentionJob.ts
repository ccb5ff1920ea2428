import type { Store } from './createStore.ts'

const DAY = 86_400_000

/** How long each history table is kept (days). */
export interface RetentionPolicy {
  readonly alertHistoryDays: number
  readonly healthSamplesDays: number
  readonly sloBucketsDays: number
  readonly incidentsDays: number
}

/** Rows deleted by one retention run, per table group. */
export interface RetentionResult {
  readonly alertDeliveries: number
  readonly alertEvents: number
  readonly alertIdempotency: number
  readonly healthSamples: number
  readonly sloBuckets: number
  readonly sloMeasurements: number
  readonly incidents: number
  readonly maintenanceWindows: number
}

/**
 * Deletes history older than the policy allows. Finished deliveries go before their events; events with an
 * unfinished delivery are kept whatever their age. Safe to run on every replica, but {@link installStore} runs
 * it only on the holder of the `lookout:retention` lease.
 *
 * @example
 * await pruneHistory(store, { alertHistoryDays: 90, healthSamplesDays: 90, sloBucketsDays: 400, incidentsDays: 365 })
 */
export async function pruneHistory(
  store: Store,
  policy: RetentionPolicy,
  now: number = Date.now(),
): Promise<RetentionResult> {
  const alertsBefore = now - policy.alertHistoryDays * DAY
  const alertDeliveries = await store.alertDeliveries.deleteFinishedBefore(alertsBefore)
  const alertEvents = await store.alertEvents.deleteBefore(alertsBefore)
  const alertIdempotency = await store.alertIdempotency.deleteBefore(alertsBefore)
  const healthSamples = await store.healthSamples.deleteBefore(now - policy.healthSamplesDays * DAY)
  const sloBefore = now - policy.sloBucketsDays * DAY
  const sloBuckets = await store.sloBuckets.deleteBefore(sloBefore)
  const sloMeasurements = await store.sloMeasurements.deleteBefore(sloBefore)
  const incidentsBefore = now - policy.incidentsDays * DAY
  const incidents = await store.incidents.deleteResolvedBefore(incidentsBefore)
  const maintenanceWindows = await store.maintenanceWindows.deleteEndedBefore(incidentsBefore)
  return {
    alertDeliveries,
    alertEvents,
    alertIdempotency,
    healthSamples,
    sloBuckets,
    sloMeasurements,
    incidents,
    maintenanceWindows,
  }
}
