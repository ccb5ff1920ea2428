import { z } from 'zod'
import { json, problem } from '../http/opsResponses.ts'
import type { OpsRequest, OpsResponse, OpsRoute } from '../http/opsRoute.ts'
import { parseJsonBody } from '../http/parseJsonBody.ts'
import type { CounterChild, CounterFamily } from '../metrics/counterFamily.ts'
import type { EventRejectReason } from './conventions.ts'
import type { Cors } from './createCors.ts'
import type { AcceptedEvent, EventCatalog } from './createEventCatalog.ts'

/** Options of {@link createPublicEventsRoute}. */
export interface PublicEventsOptions {
  readonly path: string
  readonly catalog: EventCatalog
  readonly maxBatch: number
  readonly bodyLimit: number
  readonly rateLimit: { readonly perMinute: number; readonly burst?: number | undefined }
  readonly cors: Cors
  /** `lookout_public_events_total`, labelled by `catalog.labelNames`. */
  readonly accepted: CounterFamily
  /** `lookout_public_events_rejected_total{reason}` child for a reason. */
  readonly rejected: (reason: EventRejectReason) => CounterChild
}

const MAX_DETAILS = 20

/**
 * `POST /api/v1/metrics` (path configurable): public product events from browsers. The body is one event
 * `{event, value?, labels?}`, an array of them, or `{events: [...]}` (at most `maxBatch`). A batch is
 * all-or-nothing: if any event is refused, nothing is counted and the 422 lists each refusal with its index and
 * reason. Accepted events add `value` (default 1) to `lookout_public_events_total{event,<catalog labels>}`.
 *
 * `lookout_public_events_rejected_total{reason}` counts refused events (or requests, for the request-level
 * reasons `unsupported_media_type`, `invalid_json`, `invalid_body`, `batch_too_large`).
 *
 * @example
 * lookout.addRoute(createPublicEventsRoute({ path: '/api/v1/metrics', catalog, maxBatch: 50, bodyLimit: 65_536,
 *   rateLimit: { perMinute: 600 }, cors, accepted, rejected: (r) => rejectedFamily.labels(r) }))
 */
export function createPublicEventsRoute(options: PublicEventsOptions): OpsRoute {
  const { catalog, cors, accepted, rejected } = options

  function refuse(req: OpsRequest, reason: EventRejectReason, res: OpsResponse): OpsResponse {
    rejected(reason).inc()
    return cors.apply(req, res)
  }

  return {
    method: 'POST',
    path: options.path,
    scope: { kind: 'public' },
    bodyLimit: options.bodyLimit,
    rateLimit: options.rateLimit,
    description: 'Public product events (allow-listed catalog; PII refused)',
    handler: function publicEvents(req) {
      const parsed = parseJsonBody(req, z.unknown(), ['application/json', 'text/plain'])
      if (!parsed.ok) {
        const status = parsed.response.status
        return refuse(req, status === 415 ? 'unsupported_media_type' : 'invalid_json', parsed.response)
      }
      const body = parsed.value
      let items: unknown[]
      if (Array.isArray(body)) items = body
      else if (body !== null && typeof body === 'object' && 'events' in body) {
        const events = (body as { events: unknown }).events
        if (!Array.isArray(events) || Object.keys(body).length !== 1) {
          return refuse(req, 'invalid_body', problem(422, 'invalid_body', 'expected {"events": [...]}'))
        }
        items = events
      } else items = [body]
      if (items.length === 0) {
        return refuse(req, 'invalid_body', problem(422, 'invalid_body', 'no events in the body'))
      }
      if (items.length > options.maxBatch) {
        return refuse(
          req,
          'batch_too_large',
          problem(422, 'batch_too_large', `at most ${options.maxBatch} events per request`),
        )
      }
      const ok: AcceptedEvent[] = []
      const details: { index: number; reason: EventRejectReason; message: string }[] = []
      for (let i = 0; i < items.length; i++) {
        const checked = catalog.check(items[i])
        if (checked.ok) ok.push(checked.event)
        else {
          rejected(checked.reason).inc()
          if (details.length < MAX_DETAILS)
            details.push({ index: i, reason: checked.reason, message: checked.message })
        }
      }
      if (details.length > 0) {
        return cors.apply(
          req,
          problem(422, 'event_rejected', 'one or more events were refused; none were counted', details),
        )
      }
      for (const event of ok) accepted.labels(...event.labelValues).inc(event.value)
      return cors.apply(req, json(202, { accepted: ok.length }))
    },
  }
}
