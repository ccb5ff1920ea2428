import { writeSync } from 'node:fs'
import { Worker } from 'node:worker_threads'

/** A running {@link startWatchdog}. */
export interface Watchdog {
  /**
   * Names what the test does from now on (stall reports and progress lines include it), and writes a progress
   * line that the previous phase is done, with its duration.
   */
  phase(name: string): void
  /** Writes one progress line to stderr: elapsed seconds, the phase, the longest event-loop stall so far. */
  progress(message: string): void
  stop(): Promise<void>
}

/**
 * Starts a watchdog for a long end-to-end test. If this process's event loop stops turning for `stallMs`
 * (default 20 s) — a synchronous call or a promise loop that never yields, which a test timeout cannot report
 * because its timer never fires — a worker thread (watchdogWorker.cjs) writes the main thread's JavaScript stack
 * to stderr. Progress lines go to stderr as each phase ends, and one every `stillMs` (default 30 s) while a phase
 * lasts; the test runner shows them even when it later kills the file, so a hang in CI says where it was instead
 * of only "test timed out".
 *
 * @example
 * const dog = startWatchdog('e2e')
 * t.after(() => dog.stop())
 * dog.phase('starting prometheus')
 * dog.phase('waiting for the scrape') // writes "e2e +1.2s [starting prometheus] done after 0.3 s (…)"
 */
export function startWatchdog(name: string, stallMs = 20_000, stillMs = 30_000): Watchdog {
  const startedAt = Date.now()
  const beat = new SharedArrayBuffer(4)
  const phaseBytes = new SharedArrayBuffer(128)
  const beats = new Int32Array(beat)
  const phaseView = new Uint8Array(phaseBytes)
  const encoder = new TextEncoder()
  let current: string | undefined
  let maxStallMs = 0
  let lastTick = Date.now()
  let phaseSince = Date.now()
  let lastStill = Date.now()
  const ticker = setInterval(() => {
    const now = Date.now()
    maxStallMs = Math.max(maxStallMs, now - lastTick - 250)
    lastTick = now
    Atomics.add(beats, 0, 1)
    // A wait that never ends while the loop still turns: say so every `stillMs`, so it shows in CI too.
    if (now - phaseSince >= stillMs && now - lastStill >= stillMs) {
      lastStill = now
      api.progress(`still in this phase after ${Math.round((now - phaseSince) / 1000)} s`)
    }
  }, 250)
  ticker.unref()
  const worker = new Worker(new URL('./watchdogWorker.cjs', import.meta.url), {
    workerData: { beat, phase: phaseBytes, stallMs },
    execArgv: [], // not the test's loader flags: the worker is plain CommonJS
  })
  worker.on('error', (err) => writeSync(2, `watchdog: the worker failed: ${err.message}\n`)) // never the test's
  worker.unref()
  const api: Watchdog = {
    phase(phaseName) {
      if (current !== undefined) api.progress(`done after ${((Date.now() - phaseSince) / 1000).toFixed(1)} s`)
      current = phaseName
      phaseSince = Date.now()
      phaseView.fill(0)
      encoder.encodeInto(phaseName.slice(0, 120), phaseView)
    },
    progress(message) {
      const now = Date.now()
      const stall = Math.max(maxStallMs, now - lastTick - 250) // includes a stall that just ended
      const s = ((now - startedAt) / 1000).toFixed(1)
      writeSync(
        2,
        `${name} +${s}s [${current ?? 'start'}] ${message} (longest event-loop stall so far ${stall} ms)\n`,
      )
    },
    async stop() {
      clearInterval(ticker)
      await worker.terminate()
    },
  }
  return api
}
