import type { ComponentStatus, IncidentImpact, SampleStatus } from './conventions.ts'

/** The open incident that covers a component, as the decision needs it. */
export interface OpenIncidentRef {
  readonly id: number
  readonly automatic: boolean
  readonly impact: string
  readonly status: string
}

/** Inputs of {@link decideIncident}. */
export interface IncidentDecisionInput {
  /** The component's latest sample statuses, newest first (at least `max(openAfter, resolveAfter) + 1` when available). */
  readonly recent: readonly SampleStatus[]
  /** An unresolved incident that includes the component (an automatic one is preferred), if any. */
  readonly open: OpenIncidentRef | undefined
  /** An automatic incident of this component resolved within `reopenWithinMs`, if any. */
  readonly reopenable: number | undefined
  readonly openAfter: number
  readonly resolveAfter: number
}

/** What to do about a component's incidents after a sample. */
export type IncidentAction =
  | { readonly kind: 'none' }
  /** Open a new automatic incident. */
  | { readonly kind: 'open'; readonly status: ComponentStatus; readonly impact: IncidentImpact }
  /** Reopen a recently resolved automatic incident (instead of a new one). */
  | {
      readonly kind: 'reopen'
      readonly id: number
      readonly status: ComponentStatus
      readonly impact: IncidentImpact
    }
  /** The component got worse while its automatic incident is open: raise the impact, add an update. */
  | {
      readonly kind: 'worsen'
      readonly id: number
      readonly status: ComponentStatus
      readonly impact: IncidentImpact
    }
  /** Resolve the automatic incident. */
  | { readonly kind: 'resolve'; readonly id: number }
  /** Add an automated note to an operator's incident (which only operators resolve). */
  | { readonly kind: 'note'; readonly id: number; readonly status: ComponentStatus }

const IMPACT_RANK: Readonly<Record<string, number>> = { none: 0, minor: 1, major: 2, critical: 3 }

/** Impact of an automatic incident for an observed status. */
export function impactFor(status: ComponentStatus): IncidentImpact {
  return status === 'outage' ? 'major' : 'minor'
}

const isDown = (s: SampleStatus | undefined) => s === 'degraded' || s === 'outage'

/**
 * Decides, from the stored sample history alone, whether a component's sample opens, updates or resolves an
 * incident. Edge-triggered on the threshold crossings, so it is the same on whichever replica holds the sampler
 * lease and never repeats an action on the next sample:
 *
 * - exactly `openAfter` consecutive non-operational samples, and no open incident covers the component → open
 *   (or reopen a recently resolved automatic one: no flapping storms);
 * - an open automatic incident and the newest sample is worse than its impact → `worsen` (an update, never a
 *   new incident);
 * - exactly `resolveAfter` consecutive operational samples → resolve the automatic incident (an operator's
 *   incident only gets a note);
 * - `maintenance` samples break both streaks (maintenance never opens or resolves anything).
 *
 * @example
 * decideIncident({ recent: ['outage', 'outage', 'operational'], open: undefined, reopenable: undefined,
 *   openAfter: 2, resolveAfter: 3 }) // { kind: 'open', status: 'outage', impact: 'major' }
 */
export function decideIncident(input: IncidentDecisionInput): IncidentAction {
  const { recent, open, openAfter, resolveAfter } = input
  let down = 0
  while (down < recent.length && isDown(recent[down])) down++
  let up = 0
  while (up < recent.length && recent[up] === 'operational') up++

  if (down > 0) {
    const streak = recent.slice(0, Math.min(down, openAfter))
    const worst: ComponentStatus = streak.includes('outage') ? 'outage' : 'degraded'
    if (open === undefined) {
      if (down !== openAfter) return { kind: 'none' }
      if (input.reopenable !== undefined) {
        return { kind: 'reopen', id: input.reopenable, status: worst, impact: impactFor(worst) }
      }
      return { kind: 'open', status: worst, impact: impactFor(worst) }
    }
    if (open.automatic) {
      const newest = recent[0] as ComponentStatus
      const impact = impactFor(newest)
      if (down >= openAfter && (IMPACT_RANK[impact] ?? 0) > (IMPACT_RANK[open.impact] ?? 0)) {
        return { kind: 'worsen', id: open.id, status: newest, impact }
      }
      return { kind: 'none' }
    }
    return down === openAfter ? { kind: 'note', id: open.id, status: worst } : { kind: 'none' }
  }

  if (up === resolveAfter && open !== undefined) {
    return open.automatic
      ? { kind: 'resolve', id: open.id }
      : { kind: 'note', id: open.id, status: 'operational' }
  }
  return { kind: 'none' }
}
