import type { Profiler } from 'node:inspector'
import { type LocationInput, Profile, type SampleInput } from 'pprof-format'
import { createPprofFunctionTable } from './pprofFunctionTable.ts'

/** A V8 CPU profile as the inspector's `Profiler.stop` returns it (the `.cpuprofile` format DevTools opens). */
export type CpuProfile = Profiler.Profile

/** Options of {@link cpuProfileToPprof}. */
export interface CpuProfileToPprofOptions {
  /** Sampling interval the profile was taken with, in µs (becomes the pprof `period`). */
  readonly intervalMicros: number
  /** Wall-clock start of the profile, ms since epoch (V8's own `startTime` is monotonic, not epoch). */
  readonly startedAtMs: number
  /**
   * Drop `(idle)` samples, so the profile shows where the main thread spent CPU rather than where it waited.
   * Default `true`.
   */
  readonly dropIdle?: boolean
}

const ROOT = '(root)'
const IDLE = '(idle)'

/**
 * Converts a V8 CPU profile into a pprof profile with sample types `samples/count` and `cpu/nanoseconds` (the Go
 * CPU profile shape, which `go tool pprof`, speedscope and Pyroscope read as a CPU profile). Time per sample is
 * the measured gap to the next sample (V8's `timeDeltas`), not the nominal interval, so a loaded process that
 * samples less often than asked is not under-counted. Frames are per function (V8 reports a function's start
 * line, not the executing line). Pure.
 *
 * @example
 * const { profile } = await session.post('Profiler.stop')
 * const pprof = cpuProfileToPprof(profile, { intervalMicros: 1000, startedAtMs })
 * const bytes = pprof.encode() // gzip it for go tool pprof
 */
export function cpuProfileToPprof(profile: CpuProfile, options: CpuProfileToPprofOptions): Profile {
  const dropIdle = options.dropIdle ?? true
  const nodes = new Map<number, Profiler.ProfileNode>()
  const parent = new Map<number, number>()
  for (const node of profile.nodes) {
    nodes.set(node.id, node)
    for (const child of node.children ?? []) parent.set(child, node.id)
  }

  // Samples per node and the time each stands for.
  const count = new Map<number, number>()
  const nanos = new Map<number, number>()
  const periodNs = Math.round(options.intervalMicros * 1000)
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  if (samples.length > 0) {
    // timestamps[i] = startTime + sum(deltas[0..i]); sample i lasts until sample i+1 (the last one until endTime).
    let t = profile.startTime
    const stamps: number[] = new Array(samples.length)
    for (let i = 0; i < samples.length; i++) {
      t += deltas[i] ?? 0
      stamps[i] = t
    }
    for (let i = 0; i < samples.length; i++) {
      const id = samples[i]!
      const next = i + 1 < samples.length ? stamps[i + 1]! : Math.max(profile.endTime, stamps[i]!)
      const ns = Math.max(0, Math.round((next - stamps[i]!) * 1000))
      count.set(id, (count.get(id) ?? 0) + 1)
      nanos.set(id, (nanos.get(id) ?? 0) + ns)
    }
  } else {
    for (const node of profile.nodes) {
      if (node.hitCount) {
        count.set(node.id, node.hitCount)
        nanos.set(node.id, node.hitCount * periodNs)
      }
    }
  }

  const { strings, functions, functionId } = createPprofFunctionTable()
  const locations: LocationInput[] = []
  const locationIds = new Map<number, number>()

  const locationId = (node: Profiler.ProfileNode): number => {
    let id = locationIds.get(node.id)
    if (id === undefined) {
      id = locations.length + 1
      locationIds.set(node.id, id)
      const line = node.callFrame.lineNumber >= 0 ? node.callFrame.lineNumber + 1 : 0
      locations.push({ id, line: [{ functionId: functionId(node.callFrame), line }] })
    }
    return id
  }

  const sampleInputs: SampleInput[] = []
  for (const [id, n] of count) {
    const leaf = nodes.get(id)
    if (leaf === undefined) continue
    const name = leaf.callFrame.functionName
    if (name === ROOT || (dropIdle && name === IDLE)) continue
    const stack: number[] = []
    let cur: Profiler.ProfileNode | undefined = leaf
    while (cur !== undefined && cur.callFrame.functionName !== ROOT) {
      stack.push(locationId(cur))
      const up = parent.get(cur.id)
      cur = up === undefined ? undefined : nodes.get(up)
    }
    sampleInputs.push({ locationId: stack, value: [n, nanos.get(id) ?? 0] })
  }

  const samplesType = strings.dedup('samples')
  const countUnit = strings.dedup('count')
  const cpuType = strings.dedup('cpu')
  const nsUnit = strings.dedup('nanoseconds')
  return new Profile({
    sampleType: [
      { type: samplesType, unit: countUnit },
      { type: cpuType, unit: nsUnit },
    ],
    sample: sampleInputs,
    location: locations,
    function: functions,
    stringTable: strings,
    timeNanos: BigInt(Math.round(options.startedAtMs)) * 1_000_000n,
    durationNanos: Math.max(0, Math.round((profile.endTime - profile.startTime) * 1000)),
    periodType: { type: cpuType, unit: nsUnit },
    period: periodNs,
    defaultSampleType: cpuType,
  })
}
