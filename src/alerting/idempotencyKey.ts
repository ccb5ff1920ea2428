import { createHash } from 'node:crypto'
import type { DeliveryAction } from '../store/repositories/alertDeliveriesRepository.ts'

/**
 * The idempotency key of one alert action: a hash of the dedup key, the history event id and the action, so every
 * attempt of it — retries, a send repeated after a crash, another replica's — carries the same key on every
 * channel, and a later fire of the same alert (a new event) carries a new one. Sent as the `Idempotency-Key`
 * header on every channel and as `idempotencyKey` in webhook and Slack bodies; receivers drop repeats on it.
 *
 * @example
 * alertIdempotencyKey({ dedupKey: 'acme/HighErrorRate/a1b2c3d4e5f60718', eventId: 42, action: 'trigger' })
 * // 32 hex characters
 */
export function alertIdempotencyKey(m: {
  readonly dedupKey: string
  readonly eventId: number
  readonly action: DeliveryAction
}): string {
  return createHash('sha256').update(`${m.dedupKey}\n${m.eventId}\n${m.action}`).digest('hex').slice(0, 32)
}
