// Opsgenie Alert API v2 contract, enforced strictly by the loopback receiver.

const codePoints = (s: string) => Array.from(s).length

/** Problems of a create-alert body (empty = valid). */
export function opsgenieCreateProblems(body: unknown): string[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return ['body must be a JSON object']
  const b = body as Record<string, unknown>
  const p: string[] = []
  if (typeof b.message !== 'string' || b.message === '' || codePoints(b.message) > 130)
    p.push('message is required (≤ 130)')
  const max: [string, number][] = [
    ['alias', 512],
    ['description', 15_000],
    ['entity', 512],
    ['source', 100],
    ['note', 25_000],
  ]
  for (const [k, n] of max) {
    if (b[k] !== undefined && (typeof b[k] !== 'string' || codePoints(b[k] as string) > n))
      p.push(`${k} must be ≤ ${n}`)
  }
  if (b.tags !== undefined) {
    if (!Array.isArray(b.tags) || b.tags.length > 20) p.push('tags: at most 20')
    else if (b.tags.some((t) => typeof t !== 'string' || t.length > 50)) p.push('each tag ≤ 50 characters')
  }
  if (b.details !== undefined) {
    if (typeof b.details !== 'object' || b.details === null) p.push('details must be an object')
    else {
      let total = 0
      for (const [k, v] of Object.entries(b.details)) {
        if (typeof v !== 'string') p.push(`details.${k} must be a string`)
        else total += k.length + v.length
      }
      if (total > 8000) p.push('details larger than 8000 characters')
    }
  }
  if (b.priority !== undefined && !['P1', 'P2', 'P3', 'P4', 'P5'].includes(b.priority as string))
    p.push('priority is invalid')
  if (b.responders !== undefined) {
    if (!Array.isArray(b.responders)) p.push('responders must be an array')
    else {
      for (const r of b.responders as Record<string, unknown>[]) {
        if (!['team', 'user', 'escalation', 'schedule'].includes(r?.type as string))
          p.push('responder type is invalid')
        if (r?.id === undefined && r?.name === undefined && r?.username === undefined)
          p.push('responder needs id/name/username')
      }
    }
  }
  return p
}
