import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import type { ResolvedConfig } from '../config/schema.ts'
import { profileRequestInvalidError, profilerBusyError, profilingUnavailableError } from '../errors.ts'
import { captureCpuProfile } from './captureCpuProfile.ts'
import { cpuProfileToPprof } from './cpuProfileToPprof.ts'
import { heapProfileToPprof } from './heapProfileToPprof.ts'
import { acquireHeapSampler, type HeapSamplerHandle } from './heapSampler.ts'
import { currentProfilerHold, tryAcquireProfiler } from './profilerLock.ts'

const gzipAsync = promisify(gzip)

/** Output formats of a CPU profile: gzipped pprof protobuf, or V8's `.cpuprofile` JSON (Chrome DevTools). */
export type CpuProfileFormat = 'pprof' | 'cpuprofile'

/** Options of {@link Profiler.cpu}. */
export interface CpuProfileRequest {
  /** Seconds to sample. Default `profiling.defaultSeconds` (10). At most `profiling.maxSeconds` (60). */
  readonly seconds?: number
  /** Default `pprof`. */
  readonly format?: CpuProfileFormat
  /** Stops early; the partial profile is returned with `aborted: true`. */
  readonly signal?: AbortSignal | undefined
}

/** A finished profile, ready to send or save. */
export interface ProfileResult {
  readonly body: Buffer
  readonly contentType: string
  /** A file name for `Content-Disposition`, e.g. `identity-cpu-20250101T120000Z.pb.gz`. */
  readonly filename: string
  /** Stopped early by the caller's signal. */
  readonly aborted: boolean
}

/**
 * On-demand profiles of this process (also `lookout.profiling`). One CPU profile at a time per process, shared
 * with continuous windows; a busy profiler is an immediate `LOOKOUT_ERR_PROFILER_BUSY`, never a wait.
 */
export interface Profiler {
  /** Samples the CPU for `seconds` and returns gzipped pprof or `.cpuprofile` JSON. */
  cpu(request?: CpuProfileRequest): Promise<ProfileResult>
  /** The sampled live heap as gzipped pprof (`inuse_space`). Needs `profiling.heap.enabled` and `start()`. */
  heap(): Promise<ProfileResult>
  /** Starts the heap sampler (called by the area's `start`). Idempotent. */
  start(): Promise<void>
  /** Stops the heap sampler. Idempotent. */
  stop(): Promise<void>
}

/**
 * Creates the on-demand profiler of one Lookout instance.
 *
 * @example
 * const profiler = createProfiler(lookout.config)
 * const { body, filename } = await profiler.cpu({ seconds: 5 })
 * await writeFile(filename, body) // go tool pprof -http=: identity-cpu-….pb.gz
 */
export function createProfiler(config: ResolvedConfig): Profiler {
  const settings = config.profiling
  let heapSampler: HeapSamplerHandle | undefined
  let heapStarting: Promise<void> | undefined

  const fileStamp = (ms: number) =>
    new Date(ms)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z')

  return {
    async cpu(request = {}) {
      const seconds = request.seconds ?? settings.defaultSeconds
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > settings.maxSeconds) {
        throw profileRequestInvalidError(`seconds must be an integer from 1 to ${settings.maxSeconds}`)
      }
      const format = request.format ?? 'pprof'
      if (format !== 'pprof' && format !== 'cpuprofile') {
        throw profileRequestInvalidError('format must be "pprof" or "cpuprofile"')
      }
      const lease = tryAcquireProfiler('cpu', { holder: 'on-demand', until: Date.now() + seconds * 1000 })
      if (lease === undefined) throw busy('cpu')
      let captured: Awaited<ReturnType<typeof captureCpuProfile>>
      try {
        captured = await captureCpuProfile({
          durationMs: seconds * 1000,
          intervalMicros: settings.samplingIntervalMicros,
          signal: request.signal,
        })
      } finally {
        lease.release()
      }
      const stamp = fileStamp(captured.startedAtMs)
      if (format === 'cpuprofile') {
        return {
          body: Buffer.from(JSON.stringify(captured.profile)),
          contentType: 'application/json',
          filename: `${config.service}-cpu-${stamp}.cpuprofile`,
          aborted: captured.aborted,
        }
      }
      const pprof = cpuProfileToPprof(captured.profile, {
        intervalMicros: captured.intervalMicros,
        startedAtMs: captured.startedAtMs,
      })
      return {
        body: await gzipAsync(pprof.encode()),
        contentType: 'application/octet-stream',
        filename: `${config.service}-cpu-${stamp}.pb.gz`,
        aborted: captured.aborted,
      }
    },

    async heap() {
      if (!settings.heap.enabled)
        throw profilingUnavailableError('heap sampling is off (profiling.heap.enabled)')
      if (heapStarting !== undefined) await heapStarting.catch(() => {})
      const sampler = heapSampler
      if (sampler === undefined)
        throw profilingUnavailableError('the heap sampler is not running (call start())')
      const lease = tryAcquireProfiler('heap', { holder: 'on-demand', until: Date.now() + 1000 })
      if (lease === undefined) throw busy('heap')
      try {
        const takenAtMs = Date.now()
        const profile = await sampler.read()
        const pprof = heapProfileToPprof(profile, {
          samplingIntervalBytes: sampler.samplingIntervalBytes,
          takenAtMs,
        })
        return {
          body: await gzipAsync(pprof.encode()),
          contentType: 'application/octet-stream',
          filename: `${config.service}-heap-${fileStamp(takenAtMs)}.pb.gz`,
          aborted: false,
        }
      } finally {
        lease.release()
      }
    },

    start() {
      if (!settings.enabled || !settings.heap.enabled) return Promise.resolve()
      heapStarting ??= (async () => {
        heapSampler = await acquireHeapSampler({ samplingIntervalBytes: settings.heap.samplingIntervalBytes })
      })()
      return heapStarting
    },

    async stop() {
      const starting = heapStarting
      heapStarting = undefined
      await starting?.catch(() => {})
      const sampler = heapSampler
      heapSampler = undefined
      await sampler?.release()
    },
  }
}

function busy(kind: 'cpu' | 'heap') {
  const hold = currentProfilerHold(kind)
  const retry = hold === undefined ? 1 : Math.max(1, Math.ceil((hold.until - Date.now()) / 1000))
  return profilerBusyError(kind, hold?.holder ?? 'another profile', retry)
}
