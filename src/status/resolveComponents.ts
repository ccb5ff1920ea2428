import type { ResolvedConfig } from '../config/schema.ts'

/** One component of the status page. */
export interface StatusComponent {
  /** Health check name or external component id (stored with each sample). */
  readonly id: string
  /** Shown name. */
  readonly name: string
  readonly description: string | undefined
  readonly degradedLatencyMs: number | undefined
  /** Where its status comes from. */
  readonly source: 'check' | 'external'
}

/**
 * The components shown, in order: the ones listed in `status.components` first (in that order), then the other
 * health checks and external components in registration order. Health checks are filtered by `include` (when
 * non-empty) and `exclude`; external components are always shown. Pure; call it per sample since checks may be
 * added at run time.
 *
 * @example
 * resolveComponents(['memory', 'postgres', 'redis'], config.status)
 * // [{ id: 'postgres', name: 'Database', … }, { id: 'redis', name: 'redis', … }]
 */
export function resolveComponents(
  checkNames: readonly string[],
  status: ResolvedConfig['status'],
): StatusComponent[] {
  const meta = new Map(status.components.map((c, i) => [c.id, { ...c, order: i }]))
  const include = new Set(status.include)
  const exclude = new Set(status.exclude)
  const out: (StatusComponent & { order: number })[] = []
  const seen = new Set<string>()
  let n = status.components.length
  for (const id of checkNames) {
    if (seen.has(id) || exclude.has(id) || (include.size > 0 && !include.has(id))) continue
    seen.add(id)
    const m = meta.get(id)
    out.push({
      id,
      name: m?.name ?? id,
      description: m?.description,
      degradedLatencyMs: m?.degradedLatencyMs,
      source: 'check',
      order: m?.order ?? n++,
    })
  }
  for (const e of status.external) {
    if (seen.has(e.id)) continue
    seen.add(e.id)
    const m = meta.get(e.id)
    out.push({
      id: e.id,
      name: e.name ?? m?.name ?? e.id,
      description: e.description ?? m?.description,
      degradedLatencyMs: e.degradedLatencyMs ?? m?.degradedLatencyMs,
      source: 'external',
      order: m?.order ?? n++,
    })
  }
  out.sort((a, b) => a.order - b.order)
  return out.map(({ order: _order, ...c }) => c)
}
