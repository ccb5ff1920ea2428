import type { Store } from '../store/createStore.ts'
import type { SampleStatusCount } from '../store/repositories/healthSamplesRepository.ts'
import type { Incident, IncidentUpdate } from '../store/repositories/incidentsRepository.ts'
import { buildStatusBody, historyStart, type PublicStatusBody, utcDayStart } from './buildStatusBody.ts'
import { DAY_MS, HISTORY_DAYS } from './conventions.ts'
import type { StatusComponent } from './resolveComponents.ts'

/** One incident as the public sees it. */
export interface PublicIncident {
  readonly id: number
  readonly title: string
  readonly status: string
  readonly impact: string
  readonly components: readonly { readonly id: string; readonly name: string }[]
  readonly startedAt: string
  readonly resolvedAt: string | null
  readonly updatedAt: string
  /** Timeline, newest first. */
  readonly updates: readonly { readonly status: string; readonly message: string; readonly at: string }[]
}

/** The body of `GET /public/status/incidents`. */
export interface PublicIncidentsBody {
  readonly open: readonly PublicIncident[]
  /** Resolved within `recentIncidentDays`, newest first. */
  readonly recent: readonly PublicIncident[]
}

/** Options of {@link createStatusReader}. */
export interface StatusReaderOptions {
  readonly store: () => Store
  readonly components: () => readonly StatusComponent[]
  readonly title: string
  readonly description: string | undefined
  readonly staleAfterMs: number
  readonly recentIncidentDays: number
  /** Names for components that are not sampled (e.g. the SLO incident component). */
  readonly extraNames?: Readonly<Record<string, string>>
  readonly now?: () => number
}

/** Reads the public documents from the store. */
export interface StatusReader {
  status(): Promise<PublicStatusBody>
  incidents(): Promise<PublicIncidentsBody>
  /** Forgets the cached counts of past days (after samples were written or deleted out of band). */
  forget(): void
}

const PAST_DAYS_TTL_MS = 10 * 60_000

/**
 * Reads what `GET /public/status` and `GET /public/status/incidents` serve. The counts of past days (89 of the
 * 90 bars) change only when a day ends or retention prunes, so they are cached for 10 minutes and per day;
 * each read queries today's counts, the latest sample per component, maintenance windows and open incidents.
 *
 * @example
 * const reader = createStatusReader({ store: () => lookout.store, components, title: 'Acme status', … })
 * const body = await reader.status()
 */
export function createStatusReader(options: StatusReaderOptions): StatusReader {
  const now = options.now ?? Date.now
  let past: { start: number; at: number; rows: SampleStatusCount[] } | undefined

  async function pastDays(store: Store, start: number, today: number): Promise<SampleStatusCount[]> {
    const at = Date.now()
    if (past !== undefined && past.start === start && at - past.at < PAST_DAYS_TTL_MS) return past.rows
    const rows = await store.healthSamples.countByStatus(start, today, DAY_MS)
    past = { start, at, rows }
    return rows
  }

  function names(): Map<string, string> {
    const m = new Map<string, string>(Object.entries(options.extraNames ?? {}))
    for (const c of options.components()) m.set(c.id, c.name)
    return m
  }

  function toPublic(i: Incident, updates: readonly IncidentUpdate[], n: Map<string, string>): PublicIncident {
    return {
      id: i.id,
      title: i.title,
      status: i.status,
      impact: i.impact,
      components: i.components.map((id) => ({ id, name: n.get(id) ?? id })),
      startedAt: new Date(i.startedAt).toISOString(),
      resolvedAt: i.resolvedAt === null ? null : new Date(i.resolvedAt).toISOString(),
      updatedAt: new Date(i.updatedAt).toISOString(),
      updates: [...updates]
        .reverse()
        .map((u) => ({ status: u.status, message: u.message, at: new Date(u.createdAt).toISOString() })),
    }
  }

  return {
    forget() {
      past = undefined
    },
    async status() {
      const store = options.store()
      const t = now()
      const start = historyStart(t)
      const today = utcDayStart(t)
      const components = options.components()
      const [pastRows, todayRows, windows, open] = await Promise.all([
        pastDays(store, start, today),
        store.healthSamples.countByStatus(today, t + 1),
        store.maintenanceWindows.upcoming(t, 50),
        store.incidents.list({ open: true, limit: 100 }),
      ])
      const latest = new Map<string, { status: string; sampledAt: number }>()
      await Promise.all(
        components.map(async (c) => {
          const [s] = await store.healthSamples.latest(c.id, 1)
          if (s !== undefined) latest.set(c.id, { status: s.status, sampledAt: s.sampledAt })
        }),
      )
      const todayBucket = HISTORY_DAYS - 1
      return buildStatusBody({
        now: t,
        title: options.title,
        description: options.description,
        components,
        latest,
        staleAfterMs: options.staleAfterMs,
        daily: [...pastRows, ...todayRows.map((r) => ({ ...r, bucket: todayBucket }))],
        maintenance: windows.filter((w) => w.startsAt < t + 14 * DAY_MS),
        openIncidents: open,
      })
    },
    async incidents() {
      const store = options.store()
      const t = now()
      const [open, since] = await Promise.all([
        store.incidents.list({ open: true, limit: 100 }),
        store.incidents.list({ since: t - options.recentIncidentDays * DAY_MS, limit: 100 }),
      ])
      const recent = since.filter((i) => i.resolvedAt !== null)
      const updates = await store.incidents.updatesFor([...open, ...recent].map((i) => i.id))
      const n = names()
      return {
        open: open.map((i) => toPublic(i, updates.get(i.id) ?? [], n)),
        recent: recent
          .sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0))
          .map((i) => toPublic(i, updates.get(i.id) ?? [], n)),
      }
    },
  }
}
