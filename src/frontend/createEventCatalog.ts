import { frontendConfigError } from '../errors.ts'
import { FORBIDDEN_LABELS } from '../metrics/conventions.ts'
import type { EventRejectReason } from './conventions.ts'
import type { FrontendRedactor } from './frontendRedactor.ts'
import { looksLikePiiKey } from './looksLikePiiKey.ts'

/** One catalog entry as configured (`frontend.events.catalog[name]`). */
export interface EventCatalogEntry {
  readonly labels: Readonly<Record<string, readonly string[]>>
  readonly maxValue: number
  readonly description?: string | undefined
}

/** A checked public event, ready to count. */
export interface AcceptedEvent {
  /** Label values in {@link EventCatalog.labelNames} order (`event` first; absent labels are `''`). */
  readonly labelValues: string[]
  readonly value: number
}

/** The outcome of checking one submitted event. */
export type EventCheck =
  | { readonly ok: true; readonly event: AcceptedEvent }
  | { readonly ok: false; readonly reason: EventRejectReason; readonly message: string }

/** The allow-listed catalog of public events, compiled once. */
export interface EventCatalog {
  /** Label names of `lookout_public_events_total`: `event`, then every catalog label key, sorted. */
  readonly labelNames: readonly string[]
  /** Checks one submitted item (any JSON value). Never throws. */
  check(item: unknown): EventCheck
}

const MAX_LABELS = 32
const ALLOWED_FIELDS = new Set(['event', 'value', 'labels'])

/**
 * Compiles the catalog, refusing at start-up (`LOOKOUT_ERR_FRONTEND_CONFIG`) label keys that look like personal
 * data or secrets, high-cardinality keys, and names or values the redactor would redact.
 *
 * `check()` applies, in order: shape (`invalid_event`), PII-looking label keys (`pii_key`), values matching the
 * redactor's patterns (`pii_value`), then the catalog (`unknown_event`, `unknown_label`,
 * `label_value_not_allowed`, `value_out_of_range`; `value` must be > 0 and ≤ `maxValue`, default 1).
 *
 * @example
 * const catalog = createEventCatalog({ signup_started: { labels: { plan: ['free', 'pro'] }, maxValue: 1 } }, redactor)
 * catalog.check({ event: 'signup_started', labels: { plan: 'pro' } }) // { ok: true, event: { labelValues: ['signup_started', 'pro'], value: 1 } }
 * catalog.check({ event: 'signup_started', labels: { email: 'a@b.co' } }) // { ok: false, reason: 'pii_key', … }
 */
export function createEventCatalog(
  catalog: Readonly<Record<string, EventCatalogEntry>>,
  redactor: FrontendRedactor,
): EventCatalog {
  const keys = new Set<string>()
  for (const [name, entry] of Object.entries(catalog)) {
    const at = `frontend.events.catalog.${name}`
    if (redactor.redactString(name) !== name)
      throw frontendConfigError(at, 'the event name looks like personal data')
    for (const [key, values] of Object.entries(entry.labels)) {
      if (key === 'event') throw frontendConfigError(`${at}.labels`, '"event" is reserved')
      if (looksLikePiiKey(key) || FORBIDDEN_LABELS.has(key.replace(/[_-]/g, ''))) {
        throw frontendConfigError(
          `${at}.labels.${key}`,
          'this key looks like personal data, a secret or an id',
        )
      }
      for (const v of values) {
        if (redactor.redactString(v) !== v) {
          throw frontendConfigError(`${at}.labels.${key}`, 'a value looks like personal data or a secret')
        }
      }
      keys.add(key)
    }
  }
  const labelNames = ['event', ...[...keys].sort()]
  const index = new Map(labelNames.map((k, i) => [k, i]))
  const events = new Map<string, { maxValue: number; labels: Map<string, ReadonlySet<string>> }>()
  for (const [name, entry] of Object.entries(catalog)) {
    events.set(name, {
      maxValue: entry.maxValue,
      labels: new Map(Object.entries(entry.labels).map(([k, v]) => [k, new Set(v)])),
    })
  }

  const reject = (reason: EventRejectReason, message: string): EventCheck => ({ ok: false, reason, message })

  return {
    labelNames,
    check(item) {
      if (!isPlainObject(item))
        return reject('invalid_event', 'an event is an object {event, value?, labels?}')
      for (const field of Object.keys(item)) {
        if (!ALLOWED_FIELDS.has(field))
          return reject('invalid_event', 'only event, value and labels are accepted')
      }
      const name = item.event
      if (typeof name !== 'string' || name.length === 0 || name.length > 128) {
        return reject('invalid_event', '"event" must be a non-empty string')
      }
      const value = item.value === undefined ? 1 : item.value
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return reject('invalid_event', '"value" must be a finite number')
      }
      const labels = item.labels === undefined ? {} : item.labels
      if (!isPlainObject(labels)) return reject('invalid_event', '"labels" must be an object of strings')
      const labelKeys = Object.keys(labels)
      if (labelKeys.length > MAX_LABELS) return reject('invalid_event', `at most ${MAX_LABELS} labels`)
      for (const key of labelKeys) {
        const v = labels[key]
        if (typeof v !== 'string' || v.length > 256) {
          return reject('invalid_event', 'label values must be strings of at most 256 characters')
        }
      }
      for (const key of labelKeys) {
        if (looksLikePiiKey(key)) return reject('pii_key', 'a label key looks like personal data or a secret')
      }
      if (redactor.redactString(name) !== name)
        return reject('pii_value', 'the event name looks like personal data')
      for (const key of labelKeys) {
        const v = labels[key] as string
        if (redactor.redactString(v) !== v) {
          return reject('pii_value', 'a label value looks like personal data or a secret')
        }
      }
      const spec = events.get(name)
      if (spec === undefined) return reject('unknown_event', 'this event is not in the catalog')
      const labelValues = new Array<string>(labelNames.length).fill('')
      labelValues[0] = name
      for (const key of labelKeys) {
        const allowed = spec.labels.get(key)
        if (allowed === undefined)
          return reject('unknown_label', 'a label key is not declared for this event')
        const v = labels[key] as string
        if (!allowed.has(v))
          return reject('label_value_not_allowed', 'a label value is not declared for this event')
        labelValues[index.get(key)!] = v
      }
      if (value <= 0 || value > spec.maxValue) {
        return reject('value_out_of_range', `"value" must be > 0 and ≤ ${spec.maxValue}`)
      }
      return { ok: true, event: { labelValues, value } }
    },
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}
