import { singleFlight } from '../core/singleFlight.ts'
import type { LifecycleRequest } from '../http/lifecycleRequest.ts'
import type { RequestObserver } from '../http/requestObserver.ts'
import type { SloBucket } from '../store/repositories/sloBucketsRepository.ts'
import { BURN_WINDOWS, SLO_NO_TENANT, SLO_OTHER_TENANT } from './conventions.ts'
import type { WindowCounts } from './evaluateSlo.ts'
import type { SloDefinition } from './sloModel.ts'
import type { SloPersistence } from './sloPersistence.ts'
import type { SloSource, StepCounts } from './sloSource.ts'

/** Options of {@link createInProcessSloSource}. */
export interface InProcessSloSourceOptions {
  readonly persistence: SloPersistence
  /** The SLOs of a tenant right now (defaults, config overrides, API overrides). */
  readonly slosFor: (tenant: string) => readonly SloDefinition[]
  /** Bucket width. Default 60 s. */
  readonly bucketSeconds?: number
  /** Tenants tracked; later ones are counted as `other`. Default 100. */
  readonly maxTenants?: number
  /** Pending bucket increments kept in memory (also while the store fails). Default 10 000. */
  readonly maxPendingBuckets?: number
  /** Clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number
  /**
   * Routes that are not part of the service's own SLIs (Lookout's ops routes: `/observability/*`, `/public/*`
   * …). Default: none skipped beyond the telemetry exclusions.
   */
  readonly skipRoute?: (route: string) => boolean
  /** Told when a tenant is folded into `other` (count it). */
  readonly onFolded?: () => void
  /** Told how many bucket increments were dropped (pending cap reached). */
  readonly onDropped?: (count: number) => void
}

/** The in-process source: a request observer plus a {@link SloSource} over persisted time buckets. */
export interface InProcessSloSource extends SloSource {
  readonly kind: 'in-process'
  /** Counts finished requests (skips excluded ones: probes, /metrics). */
  readonly observer: RequestObserver
  /** Counts one request directly (what the observer does; also used by simulations). */
  record(
    tenant: string | undefined,
    route: string,
    method: string,
    status: number,
    durationSeconds: number,
    atMs?: number,
  ): void
  /** Writes pending increments to the store. Resolves when written; on failure they stay pending (bounded). */
  flush(): Promise<void>
  /** Forgets compiled SLOs (after a config change) for one tenant, or all. */
  invalidate(tenant?: string): void
  /** Pending (unflushed) bucket increments. */
  readonly pending: number
}

interface Compiled {
  readonly name: string
  readonly routes: ReadonlySet<string> | undefined
  readonly methods: ReadonlySet<string> | undefined
  /** Latency threshold; `undefined` for availability. */
  readonly threshold: number | undefined
  readonly badClasses: ReadonlySet<number>
  readonly badCodes: ReadonlySet<number>
}

/** One pending bucket increment. */
interface PendingBucket {
  readonly tenant: string
  readonly slo: string
  readonly bucketStart: number
  good: number
  total: number
}

/** A tenant's SLO with the pending bucket it counted into last, so the next request of that bucket needs no key. */
interface Slot {
  readonly c: Compiled
  bucketStart: number
  /** The generation of the pending map `entry` lives in. */
  generation: number
  entry: PendingBucket | undefined
}

function compile(slo: SloDefinition): Compiled {
  const badClasses = new Set<number>()
  const badCodes = new Set<number>()
  for (const s of slo.errorStatuses) {
    if (s.endsWith('xx')) badClasses.add(Number(s[0]))
    else badCodes.add(Number(s))
  }
  return {
    name: slo.name,
    routes: slo.routes === undefined ? undefined : new Set(slo.routes),
    methods: slo.methods === undefined ? undefined : new Set(slo.methods),
    threshold: slo.kind === 'latency' ? slo.thresholdSeconds : undefined,
    badClasses,
    badCodes,
  }
}

/**
 * Counts good/total per tenant and SLO into time buckets (default 1 minute) in memory, flushed to the store by
 * the caller (`flush()` on a timer) so windows survive restarts and several replicas add up in one store.
 * The hot path is a few Map lookups per request; a full pending map drops increments and reports them.
 *
 * @example
 * const source = createInProcessSloSource({ persistence: lookout.store, slosFor: (t) => sloForTenant(model, t) })
 * lookout.core.addObserver(source.observer)
 * setInterval(() => source.flush(), 10_000).unref()
 */
export function createInProcessSloSource(options: InProcessSloSourceOptions): InProcessSloSource {
  const { persistence, slosFor } = options
  const bucketMs = (options.bucketSeconds ?? 60) * 1000
  const maxTenants = options.maxTenants ?? 100
  const maxPending = options.maxPendingBuckets ?? 10_000
  const now = options.now ?? Date.now
  const compiled = new Map<string, Slot[]>()
  const seen = new Set<string>()
  let pending = new Map<string, PendingBucket>()
  // Bumped whenever `pending` is replaced (flush): a slot's entry counts only while it is in the current map.
  let generation = 0
  let flushing: typeof pending | undefined

  function admit(tenant: string | undefined): string {
    const t = tenant === undefined || tenant === '' ? SLO_NO_TENANT : tenant
    if (seen.has(t)) return t
    if (seen.size >= maxTenants) {
      options.onFolded?.()
      return SLO_OTHER_TENANT
    }
    seen.add(t)
    return t
  }

  function slots(tenant: string): Slot[] {
    let list = compiled.get(tenant)
    if (list === undefined) {
      list = slosFor(tenant).map((slo) => ({
        c: compile(slo),
        bucketStart: Number.NaN,
        generation: -1,
        entry: undefined,
      }))
      compiled.set(tenant, list)
    }
    return list
  }

  function record(
    rawTenant: string | undefined,
    route: string,
    method: string,
    status: number,
    durationSeconds: number,
    atMs = now(),
  ): void {
    const tenant = admit(rawTenant)
    const bucketStart = Math.floor(atMs / bucketMs) * bucketMs
    const list = slots(tenant)
    for (let i = 0; i < list.length; i++) {
      const slot = list[i]!
      const c = slot.c
      if (c.routes !== undefined && !c.routes.has(route)) continue
      if (c.methods !== undefined && !c.methods.has(method)) continue
      const good =
        c.threshold !== undefined
          ? durationSeconds <= c.threshold
          : !(c.badClasses.has(Math.floor(status / 100)) || c.badCodes.has(status))
      let hit =
        slot.entry !== undefined && slot.bucketStart === bucketStart && slot.generation === generation
          ? slot.entry
          : undefined
      if (hit === undefined) {
        const key = `${tenant}\u0001${c.name}\u0001${bucketStart}`
        hit = pending.get(key)
        if (hit === undefined) {
          if (pending.size >= maxPending) {
            options.onDropped?.(1)
            continue
          }
          hit = { tenant, slo: c.name, bucketStart, good: 0, total: 0 }
          pending.set(key, hit)
        }
        slot.entry = hit
        slot.bucketStart = bucketStart
        slot.generation = generation
      }
      hit.total++
      if (good) hit.good++
    }
  }

  const observer: RequestObserver = {
    name: 'slo',
    onFinish(req: LifecycleRequest) {
      if (req.excluded || options.skipRoute?.(req.route)) return
      record(
        req.tenantLabel,
        req.route,
        req.method,
        req.aborted ? 499 : req.status,
        req.durationSeconds,
        req.startEpochMs,
      )
    },
  }

  function pendingSum(
    tenant: string,
    slo: string,
    from: number,
    to: number,
  ): { good: number; total: number } {
    let good = 0
    let total = 0
    for (const map of flushing === undefined ? [pending] : [pending, flushing]) {
      for (const b of map.values()) {
        if (b.tenant === tenant && b.slo === slo && b.bucketStart >= from && b.bucketStart < to) {
          good += b.good
          total += b.total
        }
      }
    }
    return { good, total }
  }

  async function sum(tenant: string, slo: string, from: number, to: number) {
    const stored = await persistence.sloBuckets.sum(tenant, slo, from, to)
    const mem = pendingSum(tenant, slo, from, to)
    return { good: stored.good + mem.good, total: stored.total + mem.total }
  }

  const windowEnd = (nowMs: number) => Math.floor(nowMs / bucketMs) * bucketMs + bucketMs

  const flush = singleFlight(async () => {
    if (pending.size === 0) return
    flushing = pending
    pending = new Map()
    generation++
    const rows: SloBucket[] = [...flushing.values()]
    try {
      await persistence.sloBuckets.add(rows)
    } catch (err) {
      // Put them back (bounded): counts are kept until the store answers again.
      let dropped = 0
      for (const [k, b] of flushing) {
        const hit = pending.get(k)
        if (hit !== undefined) {
          hit.good += b.good
          hit.total += b.total
        } else if (pending.size < maxPending) pending.set(k, b)
        else dropped++
      }
      if (dropped > 0) options.onDropped?.(dropped)
      throw err
    } finally {
      flushing = undefined
    }
  })

  return {
    kind: 'in-process',
    observer,
    record,
    get pending() {
      return pending.size
    },
    invalidate(tenant) {
      if (tenant === undefined) compiled.clear()
      else compiled.delete(tenant)
    },
    flush,
    windowEnd,
    async counts(tenant, slo, nowMs): Promise<WindowCounts> {
      // Windows end with the current (partial) bucket: [end − w, end).
      const end = windowEnd(nowMs)
      const entries = await Promise.all(
        BURN_WINDOWS.map(
          async (w) => [w.name, await sum(tenant, slo.name, end - w.seconds * 1000, end)] as const,
        ),
      )
      const period = await sum(tenant, slo.name, end - slo.periodSeconds * 1000, end)
      return { windows: Object.fromEntries(entries), period }
    },
    async steps(tenant, slo, fromMs, toMs, stepMs): Promise<StepCounts[]> {
      const rows = await persistence.sloBuckets.range(tenant, slo.name, fromMs, toMs)
      const out: StepCounts[] = []
      for (let start = fromMs; start < toMs; start += stepMs) out.push({ start, good: 0, total: 0 })
      const add = (bucketStart: number, good: number, total: number) => {
        if (bucketStart < fromMs || bucketStart >= toMs) return
        const step = out[Math.floor((bucketStart - fromMs) / stepMs)] as { good: number; total: number }
        step.good += good
        step.total += total
      }
      for (const r of rows) add(r.bucketStart, r.good, r.total)
      for (const map of flushing === undefined ? [pending] : [pending, flushing])
        for (const b of map.values())
          if (b.tenant === tenant && b.slo === slo.name) add(b.bucketStart, b.good, b.total)
      return out
    },
    async tenants() {
      return [...seen]
    },
  }
}
