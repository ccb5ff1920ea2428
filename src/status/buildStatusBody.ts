import type { SampleStatusCount } from '../store/repositories/healthSamplesRepository.ts'
import {
  DAY_MS,
  type DisplayStatus,
  HISTORY_DAYS,
  type SampleStatus,
  STATUS_SEVERITY,
  UPTIME_DAYS,
} from './conventions.ts'
import type { StatusComponent } from './resolveComponents.ts'

/** Overall status of the page. */
export type OverallStatus = 'operational' | 'degraded' | 'outage' | 'maintenance' | 'unknown'

/** One daily bar: the worst status of the (UTC) day and its uptime. */
export interface DayBar {
  /** `YYYY-MM-DD` (UTC). */
  readonly date: string
  readonly status: DisplayStatus
  /** Percent of counted samples that were operational or degraded; `null` without counted samples. */
  readonly uptime: number | null
}

/** One component in `GET /public/status`. */
export interface PublicComponent {
  readonly id: string
  readonly name: string
  readonly description?: string
  /** Latest sample's status; `nodata` when there is no recent sample. */
  readonly status: DisplayStatus
  /** 30-day rolling uptime in percent (3 decimals), `null` without counted samples. */
  readonly uptime30d: number | null
  /** 90 bars, oldest first; the last one is today. */
  readonly days: readonly DayBar[]
}

/** A maintenance window as the public sees it. */
export interface PublicMaintenance {
  readonly id: number
  readonly title: string
  readonly description: string
  /** Component ids; empty = every component. */
  readonly components: readonly string[]
  readonly startsAt: string
  readonly endsAt: string
  readonly active: boolean
}

/** The body of `GET /public/status`. */
export interface PublicStatusBody {
  readonly page: { readonly title: string; readonly description?: string }
  readonly status: OverallStatus
  /** One sentence for the banner. */
  readonly summary: string
  /** Time of the newest sample shown (the build time when there is none). */
  readonly updatedAt: string
  readonly components: readonly PublicComponent[]
  readonly maintenance: readonly PublicMaintenance[]
  /** Unresolved incidents (details at `/public/status/incidents`). */
  readonly activeIncidents: readonly {
    readonly id: number
    readonly title: string
    readonly status: string
    readonly impact: string
  }[]
}

/** Everything {@link buildStatusBody} needs, read from the store. */
export interface StatusInput {
  readonly now: number
  readonly title: string
  readonly description: string | undefined
  readonly components: readonly StatusComponent[]
  /** Newest sample per component id. */
  readonly latest: ReadonlyMap<string, { readonly status: string; readonly sampledAt: number }>
  /** A latest sample older than this (ms) shows as `nodata`. */
  readonly staleAfterMs: number
  /** Counts per component/status/day for the 90 days ending today; bucket 0 = the oldest day. */
  readonly daily: readonly SampleStatusCount[]
  readonly maintenance: readonly {
    readonly id: number
    readonly title: string
    readonly description: string
    readonly components: readonly string[]
    readonly startsAt: number
    readonly endsAt: number
  }[]
  readonly openIncidents: readonly {
    readonly id: number
    readonly title: string
    readonly status: string
    readonly impact: string
  }[]
}

/** UTC midnight of the day holding `t`. */
export function utcDayStart(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS
}

/** First instant of the 90-day bar range ending with the day holding `now`. */
export function historyStart(now: number): number {
  return utcDayStart(now) - (HISTORY_DAYS - 1) * DAY_MS
}

const SUMMARY: Readonly<Record<OverallStatus, string>> = {
  operational: 'All systems operational',
  degraded: 'Some systems are degraded',
  outage: 'Some systems are unavailable',
  maintenance: 'Scheduled maintenance in progress',
  unknown: 'Status is not known right now',
}

/**
 * Builds the public status body from store reads. Pure. Uptime counts operational and degraded samples as up and
 * outage samples as down; `maintenance` samples count neither way (and a day with only maintenance shows as
 * maintenance). Each day bar shows the worst status sampled that day.
 *
 * @example
 * const body = buildStatusBody({ now: Date.now(), title: 'Acme status', components, latest, daily, … })
 * body.components[0].days.length // 90
 */
export function buildStatusBody(input: StatusInput): PublicStatusBody {
  const start = historyStart(input.now)
  const perComponent = new Map<string, Map<number, Map<string, number>>>()
  for (const row of input.daily) {
    if (row.bucket < 0 || row.bucket >= HISTORY_DAYS) continue
    let days = perComponent.get(row.component)
    if (days === undefined) {
      days = new Map()
      perComponent.set(row.component, days)
    }
    let counts = days.get(row.bucket)
    if (counts === undefined) {
      counts = new Map()
      days.set(row.bucket, counts)
    }
    counts.set(row.status, (counts.get(row.status) ?? 0) + row.count)
  }

  const components: PublicComponent[] = input.components.map((c) => {
    const days = perComponent.get(c.id)
    const bars: DayBar[] = []
    let up30 = 0
    let counted30 = 0
    for (let d = 0; d < HISTORY_DAYS; d++) {
      const counts = days?.get(d)
      let worst: DisplayStatus = 'nodata'
      let up = 0
      let down = 0
      if (counts !== undefined) {
        for (const [status, n] of counts) {
          const s = (status in STATUS_SEVERITY ? status : 'outage') as SampleStatus
          if (n > 0 && STATUS_SEVERITY[s] > STATUS_SEVERITY[worst]) worst = s
          if (s === 'operational' || s === 'degraded') up += n
          else if (s === 'outage') down += n
        }
      }
      if (d >= HISTORY_DAYS - UPTIME_DAYS) {
        up30 += up
        counted30 += up + down
      }
      bars.push({
        date: new Date(start + d * DAY_MS).toISOString().slice(0, 10),
        status: worst,
        uptime: up + down === 0 ? null : round3((up / (up + down)) * 100),
      })
    }
    const latest = input.latest.get(c.id)
    const fresh = latest !== undefined && input.now - latest.sampledAt <= input.staleAfterMs
    const status: DisplayStatus = fresh
      ? ((latest.status in STATUS_SEVERITY ? latest.status : 'outage') as DisplayStatus)
      : 'nodata'
    return {
      id: c.id,
      name: c.name,
      ...(c.description === undefined ? {} : { description: c.description }),
      status,
      uptime30d: counted30 === 0 ? null : round3((up30 / counted30) * 100),
      days: bars,
    }
  })

  let overall: OverallStatus = 'operational'
  let worst = STATUS_SEVERITY.operational
  let anyMaintenance = false
  let anyKnown = components.length === 0
  for (const c of components) {
    if (c.status === 'nodata') continue
    anyKnown = true
    if (c.status === 'maintenance') anyMaintenance = true
    else if (STATUS_SEVERITY[c.status] > worst) {
      worst = STATUS_SEVERITY[c.status]
      overall = c.status as OverallStatus
    }
  }
  if (!anyKnown) overall = 'unknown'
  else if (overall === 'operational' && anyMaintenance) overall = 'maintenance'

  return {
    page:
      input.description === undefined
        ? { title: input.title }
        : { title: input.title, description: input.description },
    status: overall,
    summary: SUMMARY[overall],
    updatedAt: new Date(newest(input.latest) ?? input.now).toISOString(),
    components,
    maintenance: input.maintenance.map((w) => ({
      id: w.id,
      title: w.title,
      description: w.description,
      components: [...w.components],
      startsAt: new Date(w.startsAt).toISOString(),
      endsAt: new Date(w.endsAt).toISOString(),
      active: w.startsAt <= input.now && input.now < w.endsAt,
    })),
    activeIncidents: input.openIncidents.map((i) => ({
      id: i.id,
      title: i.title,
      status: i.status,
      impact: i.impact,
    })),
  }
}

function newest(latest: StatusInput['latest']): number | undefined {
  let max: number | undefined
  for (const s of latest.values()) if (max === undefined || s.sampledAt > max) max = s.sampledAt
  return max
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000
}
