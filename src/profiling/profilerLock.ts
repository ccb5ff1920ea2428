/**
 * Who holds an on-demand profiler slot. Profilers are per isolate, so the lock is per process, shared by every
 * Lookout instance in it: one on-demand CPU profile and one heap read at a time. Continuous windows do not take
 * it — they overlap with on-demand profiles on V8's one profiler (see `startCpuProfile`).
 */
export interface ProfilerHold {
  /** What holds it: `on-demand` (an operator request) or `continuous` (a Pyroscope window). */
  readonly holder: 'on-demand' | 'continuous'
  /** When the hold is expected to end (ms since epoch), for `Retry-After`. */
  readonly until: number
}

/** A held lock; `release()` is idempotent. */
export interface ProfilerLease {
  release(): void
}

// Process-wide on purpose (see above): V8 has one CPU profiler per isolate whatever the number of instances.
const holds = new Map<string, ProfilerHold>()

/**
 * Takes the named profiler if free. Returns `undefined` while another holder has it (the caller answers 409 or
 * skips its window). Never waits.
 *
 * @example
 * const lease = tryAcquireProfiler('cpu', { holder: 'on-demand', until: Date.now() + 10_000 })
 * if (lease === undefined) return problem(409, 'profiler_busy', '…')
 * try { … } finally { lease.release() }
 */
export function tryAcquireProfiler(name: 'cpu' | 'heap', hold: ProfilerHold): ProfilerLease | undefined {
  if (holds.has(name)) return undefined
  holds.set(name, hold)
  let released = false
  return {
    release() {
      if (released) return
      released = true
      if (holds.get(name) === hold) holds.delete(name)
    },
  }
}

/**
 * The current hold of the named profiler, if any.
 *
 * @example
 * const hold = currentProfilerHold('cpu') // { holder: 'continuous', until: 1717… } | undefined
 */
export function currentProfilerHold(name: 'cpu' | 'heap'): ProfilerHold | undefined {
  return holds.get(name)
}
