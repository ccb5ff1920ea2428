import { Session } from 'node:inspector/promises'
import type { SamplingHeapProfile } from './heapProfileToPprof.ts'

/** Options of {@link acquireHeapSampler}. */
export interface HeapSamplerOptions {
  /** Average bytes between samples. */
  readonly samplingIntervalBytes: number
}

/** A reference to the process's running sampling heap profiler. */
export interface HeapSamplerHandle {
  /** The interval the sampler actually runs with (the first acquirer's). */
  readonly samplingIntervalBytes: number
  /** The current sampled live heap. */
  read(): Promise<SamplingHeapProfile>
  /** Drops this reference; the sampler stops with the last one. Idempotent. */
  release(): Promise<void>
}

// V8 has one sampling heap profiler per isolate, so it is shared by every Lookout instance in the process and
// reference-counted; the first acquirer's options win.
let shared: { session: Session; options: HeapSamplerOptions; refs: number; ready: Promise<void> } | undefined

/**
 * Starts (or joins) V8's sampling heap profiler through `node:inspector`. Sampling at 512 KiB costs little
 * (see docs/profiling.md for the measured figure) and lets an operator read live memory at any time.
 *
 * @example
 * const sampler = await acquireHeapSampler({ samplingIntervalBytes: 524288 })
 * const profile = await sampler.read()
 * await sampler.release()
 */
export async function acquireHeapSampler(options: HeapSamplerOptions): Promise<HeapSamplerHandle> {
  if (shared === undefined) {
    const session = new Session()
    session.connect()
    const ready = (async () => {
      await session.post('HeapProfiler.enable')
      await session.post('HeapProfiler.startSampling', { samplingInterval: options.samplingIntervalBytes })
    })()
    shared = { session, options, refs: 0, ready }
    ready.catch(() => {
      if (shared?.session === session) shared = undefined
      try {
        session.disconnect()
      } catch {
        // ignored
      }
    })
  }
  const current = shared
  current.refs++
  try {
    await current.ready
  } catch (err) {
    current.refs--
    throw err
  }
  let released = false
  return {
    samplingIntervalBytes: current.options.samplingIntervalBytes,
    async read() {
      const { profile } = await current.session.post('HeapProfiler.getSamplingProfile')
      return profile
    },
    async release() {
      if (released) return
      released = true
      current.refs--
      if (current.refs > 0 || shared !== current) return
      shared = undefined
      try {
        await current.session.post('HeapProfiler.stopSampling')
      } catch {
        // the session may already be gone
      }
      try {
        current.session.disconnect()
      } catch {
        // ignored
      }
    },
  }
}
