// PagerDuty Events API v2 contract, enforced strictly by the loopback receiver.

/** An Events v2 body the receiver accepted (the fields tests read). */
export interface PagerDutyEvent {
  readonly routing_key: string
  readonly event_action: 'trigger' | 'acknowledge' | 'resolve'
  readonly dedup_key: string
  readonly payload: { readonly summary: string; readonly severity: string; readonly source: string }
}

/** Returns the problems of an Events v2 body (empty = valid). */
export function pagerdutyProblems(body: unknown, rawBytes: number): string[] {
  const p: string[] = []
  if (rawBytes > 512 * 1024) p.push('payload larger than 512 KB')
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return ['body must be a JSON object']
  const b = body as Record<string, unknown>
  if (typeof b.routing_key !== 'string' || b.routing_key.length !== 32)
    p.push('routing_key must be 32 characters')
  if (!['trigger', 'acknowledge', 'resolve'].includes(b.event_action as string))
    p.push('event_action is invalid')
  if (b.dedup_key !== undefined && (typeof b.dedup_key !== 'string' || b.dedup_key.length > 255)) {
    p.push('dedup_key must be a string of at most 255 characters')
  }
  if (b.event_action !== 'trigger') {
    if (typeof b.dedup_key !== 'string' || b.dedup_key === '')
      p.push('dedup_key is required for acknowledge/resolve')
    return p
  }
  const payload = b.payload as Record<string, unknown> | undefined
  if (payload === null || typeof payload !== 'object') return [...p, 'payload is required for trigger']
  if (typeof payload.summary !== 'string' || payload.summary === '' || payload.summary.length > 1024) {
    p.push('payload.summary is required (≤ 1024 characters)')
  }
  if (typeof payload.source !== 'string' || payload.source === '') p.push('payload.source is required')
  if (!['critical', 'error', 'warning', 'info'].includes(payload.severity as string))
    p.push('payload.severity is invalid')
  if (payload.timestamp !== undefined && Number.isNaN(Date.parse(String(payload.timestamp)))) {
    p.push('payload.timestamp must be ISO 8601')
  }
  if (
    payload.custom_details !== undefined &&
    (typeof payload.custom_details !== 'object' || payload.custom_details === null)
  ) {
    p.push('payload.custom_details must be an object')
  }
  return p
}
