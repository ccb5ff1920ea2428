/**
 * Runs `task` at most once at a time: a call while a run is in flight gets that run's promise; the slot is
 * cleared when the run settles. The slot is filled before `task` starts, so a task that returns before its
 * first `await` still clears it (an `x ??= (async () => { … finally { x = undefined } })()` does not: its
 * `finally` runs before the assignment and leaves a settled promise in the slot for good).
 *
 * @example
 * const flush = singleFlight(async () => { await store.write(pending) })
 * await Promise.all([flush(), flush()]) // one write
 */
export function singleFlight<T>(task: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined
  return () => {
    if (running !== undefined) return running
    const run = Promise.resolve().then(task)
    const slot = run.finally(() => {
      if (running === slot) running = undefined
    })
    running = slot
    return slot
  }
}
