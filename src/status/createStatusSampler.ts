import type { Store } from '../store/createStore.ts'
import type { HealthSample } from '../store/repositories/healthSamplesRepository.ts'
import type { Incident } from '../store/repositories/incidentsRepository.ts'
import { type ComponentStatus, type SampleStatus, STATUS_SAMPLER_LEASE } from './conventions.ts'
import { decideIncident, type IncidentAction } from './decideIncident.ts'
import { INCIDENT_MESSAGES } from './incidentMessages.ts'
import type { StatusComponent } from './resolveComponents.ts'

/** One component's observation at sampling time. */
export interface Observation {
  readonly status: ComponentStatus
  readonly latencyMs: number | null
  /** Private detail for operators (stored, never served publicly). */
  readonly detail?: string | undefined
  /** The firing alert that set this status (its name is shown in the incident it opens), if any. */
  readonly alert?: string | undefined
}

/** What one sampler run did. */
export interface SampleRun {
  /** `false` when another replica holds the sampler lease (nothing was written). */
  readonly leader: boolean
  /** The samples written, one per component. */
  readonly samples: readonly (HealthSample & { readonly status: SampleStatus })[]
  /** Incident actions taken, per component id. */
  readonly actions: readonly {
    readonly component: string
    readonly action: IncidentAction
    readonly incidentId: number
  }[]
}

/** Options of {@link createStatusSampler}. */
export interface StatusSamplerOptions {
  /** The store (throws before it is open). */
  readonly store: () => Store
  /** This replica's lease owner id. */
  readonly owner: string
  readonly intervalMs: number
  readonly openAfter: number
  readonly resolveAfter: number
  readonly reopenWithinMs: number
  /** The components to sample now. */
  readonly components: () => readonly StatusComponent[]
  /** Observes the components (runs their checks); never called concurrently with itself. */
  readonly observe: (components: readonly StatusComponent[]) => Promise<ReadonlyMap<string, Observation>>
  /** Epoch ms. Default `Date.now`. */
  readonly now?: () => number
  /** Told about each run's observations (gauges). Must not throw. */
  readonly onObserved?: (
    components: readonly StatusComponent[],
    observed: ReadonlyMap<string, Observation>,
    inMaintenance: ReadonlySet<string>,
  ) => void
  /** Told about each incident action taken. Must not throw. */
  readonly onIncident?: (component: StatusComponent, action: IncidentAction, incidentId: number) => void
}

/** The leader-only health sampler. */
export interface StatusSampler {
  /**
   * Samples every component once (when this replica holds or takes the lease): writes one sample each, then
   * opens/updates/resolves incidents. Concurrent calls share one run. Rejects on store errors (the caller
   * counts and logs them).
   */
  sampleOnce(): Promise<SampleRun>
  /** Gives up the lease (on shutdown). Never rejects. */
  release(): Promise<void>
  /** Lease TTL in ms: three intervals, at least 5 s (clock skew between hosts). */
  readonly leaseTtlMs: number
}

/**
 * Creates the status sampler: per run, takes/renews the `lookout:status-sampler` lease (and renews it again after
 * observing, so a replica that lost it meanwhile writes nothing), observes each component,
 * records `operational | degraded | outage` (or `maintenance` inside a maintenance window, with the observed
 * status kept as private detail) with its latency, and applies {@link decideIncident} to each component's stored
 * history. State lives in the store only, so a new leader continues where the old one stopped.
 *
 * @example
 * const sampler = createStatusSampler({ store: () => lookout.store, owner: lookout.storeOwner, intervalMs: 60_000,
 *   openAfter: 2, resolveAfter: 3, reopenWithinMs: 1_800_000, components, observe })
 * setInterval(() => void sampler.sampleOnce().catch(log), 60_000).unref()
 */
export function createStatusSampler(options: StatusSamplerOptions): StatusSampler {
  const now = options.now ?? Date.now
  const leaseTtlMs = Math.max(options.intervalMs * 3, 5_000)
  const history = Math.max(options.openAfter, options.resolveAfter) + 1
  let running: Promise<SampleRun> | undefined

  async function run(): Promise<SampleRun> {
    const store = options.store()
    if (!(await store.acquireLease(STATUS_SAMPLER_LEASE, options.owner, leaseTtlMs))) {
      return { leader: false, samples: [], actions: [] }
    }
    const components = options.components()
    const observed = await options.observe(components)
    // Observing can outlast the lease (slow checks, a stopped or starved process): act only while still leader.
    if (!(await store.acquireLease(STATUS_SAMPLER_LEASE, options.owner, leaseTtlMs))) {
      return { leader: false, samples: [], actions: [] }
    }
    const at = now()
    const windows = await store.maintenanceWindows.activeAt(at)
    const inMaintenance = new Set<string>()
    for (const w of windows) {
      for (const c of components)
        if (w.components.length === 0 || w.components.includes(c.id)) inMaintenance.add(c.id)
    }
    const samples: (HealthSample & { status: SampleStatus })[] = []
    for (const c of components) {
      const o = observed.get(c.id)
      if (o === undefined) continue
      const maintenance = inMaintenance.has(c.id)
      samples.push({
        component: c.id,
        status: maintenance ? 'maintenance' : o.status,
        latencyMs: o.latencyMs,
        detail: maintenance ? `observed:${o.status}` : (o.detail?.slice(0, 500) ?? null),
        sampledAt: at,
      })
    }
    await store.healthSamples.insertMany(samples)
    try {
      options.onObserved?.(components, observed, inMaintenance)
    } catch {
      // ignored: a callback never breaks sampling
    }

    const open = await store.incidents.list({ open: true, limit: 1000 })
    const recentlyResolved =
      options.reopenWithinMs > 0
        ? (await store.incidents.list({ since: at - options.reopenWithinMs, limit: 1000 })).filter(
            (i) => i.automatic && i.resolvedAt !== null && i.resolvedAt >= at - options.reopenWithinMs,
          )
        : []
    const actions: { component: string; action: IncidentAction; incidentId: number }[] = []
    for (const s of samples) {
      const c = components.find((x) => x.id === s.component)!
      const rows = await store.healthSamples.latest(c.id, history)
      const recent = rows.map((r) => r.status as SampleStatus)
      // An incident starts at the first bad sample of the streak that opened it, not when it was detected.
      let streak = 0
      while (streak < recent.length && (recent[streak] === 'degraded' || recent[streak] === 'outage'))
        streak++
      const firstBadAt = streak > 0 ? rows[streak - 1]!.sampledAt : at
      const covering = open.filter((i) => i.components.includes(c.id))
      const chosen: Incident | undefined = covering.find((i) => i.automatic) ?? covering[0]
      const reopenable = recentlyResolved.find((i) => i.components.length === 1 && i.components[0] === c.id)
      const action = decideIncident({
        recent,
        open: chosen,
        reopenable: reopenable?.id,
        openAfter: options.openAfter,
        resolveAfter: options.resolveAfter,
      })
      if (action.kind === 'none') continue
      const incidentId = await apply(store, c, action, at, firstBadAt, observed.get(c.id)?.alert)
      actions.push({ component: c.id, action, incidentId })
      try {
        options.onIncident?.(c, action, incidentId)
      } catch {
        // ignored
      }
    }
    return { leader: true, samples, actions }
  }

  async function apply(
    store: Store,
    c: StatusComponent,
    action: IncidentAction,
    at: number,
    firstBadAt: number,
    alert: string | undefined,
  ): Promise<number> {
    const m = INCIDENT_MESSAGES
    switch (action.kind) {
      case 'open':
        return store.incidents.create({
          title: m.title(c.name, action.status),
          status: 'investigating',
          impact: action.impact,
          components: [c.id],
          automatic: true,
          message:
            alert === undefined
              ? m.opened(c.name, action.status)
              : m.alertOpened(c.name, action.status, alert),
          startedAt: firstBadAt,
        })
      case 'reopen':
        await store.incidents.addUpdate(action.id, {
          status: 'investigating',
          impact: action.impact,
          message:
            alert === undefined
              ? m.reopened(c.name, action.status)
              : `${m.reopened(c.name, action.status)} ${m.alertOpened(c.name, action.status, alert)}`,
          at,
        })
        return action.id
      case 'worsen': {
        const current = await store.incidents.get(action.id)
        await store.incidents.addUpdate(action.id, {
          status: current?.status ?? 'investigating',
          impact: action.impact,
          title: m.title(c.name, action.status),
          message: m.worsened(c.name, action.status),
          at,
        })
        return action.id
      }
      case 'resolve':
        await store.incidents.addUpdate(action.id, {
          status: 'resolved',
          message: m.resolved(c.name, options.resolveAfter),
          at,
        })
        return action.id
      case 'note': {
        const current = await store.incidents.get(action.id)
        await store.incidents.addUpdate(action.id, {
          status: current?.status ?? 'investigating',
          message: m.note(c.name, action.status),
          at,
        })
        return action.id
      }
      default:
        return 0
    }
  }

  return {
    leaseTtlMs,
    sampleOnce() {
      running ??= run().finally(() => {
        running = undefined
      })
      return running
    },
    async release() {
      try {
        await options.store().releaseLease(STATUS_SAMPLER_LEASE, options.owner)
      } catch {
        // The store is closed or unreachable: the lease expires by itself.
      }
    },
  }
}
