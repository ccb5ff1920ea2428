/**
 * Why a delivery attempt failed, as a fixed class: what a tenant-scoped operator sees in alert history (with the
 * status code), while the detail (status line, start of the response body, network error) is shown only to global
 * operators.
 */
export const DELIVERY_FAILURE_REASONS = [
  'http_3xx',
  'http_4xx',
  'http_5xx',
  'timeout',
  'connection_error',
  'refused_by_policy',
  'render_error',
  'channel_removed',
  'event_removed',
] as const

/** One failure class; see {@link DELIVERY_FAILURE_REASONS}. */
export type DeliveryFailureReason = (typeof DELIVERY_FAILURE_REASONS)[number]

const KNOWN = new Set<string>(DELIVERY_FAILURE_REASONS)

/**
 * The stored error text of a failed attempt: the class, then the detail (`http_5xx: HTTP 500: upstream down`), so
 * the class survives in the stored row without a column of its own.
 *
 * @example
 * failureDetail('timeout', 'no response within 10000 ms') // 'timeout: no response within 10000 ms'
 */
export function failureDetail(reason: DeliveryFailureReason, detail: string): string {
  return `${reason}: ${detail}`
}

/**
 * The failure class of a stored attempt: the class its error text starts with, else derived from the status
 * (rows written before errors carried a class), else `connection_error`; `null` when nothing failed.
 *
 * @example
 * failureReasonOf(503, 'http_5xx: HTTP 503') // 'http_5xx'
 * failureReasonOf(null, null) // null
 */
export function failureReasonOf(
  status: number | null | undefined,
  error: string | null | undefined,
): DeliveryFailureReason | null {
  if (error !== null && error !== undefined) {
    const head = /^([a-z_0-9]+):/.exec(error)?.[1]
    if (head !== undefined && KNOWN.has(head)) return head as DeliveryFailureReason
  }
  if (status !== null && status !== undefined) {
    const cls = statusReason(status)
    if (cls !== undefined) return cls
  }
  return error === null || error === undefined ? null : 'connection_error'
}

/**
 * The class of a non-2xx HTTP status (`undefined` for 2xx and 1xx).
 *
 * @example
 * statusReason(302) // 'http_3xx'
 */
export function statusReason(status: number): DeliveryFailureReason | undefined {
  if (status >= 500) return 'http_5xx'
  if (status >= 400) return 'http_4xx'
  if (status >= 300) return 'http_3xx'
  return undefined
}
