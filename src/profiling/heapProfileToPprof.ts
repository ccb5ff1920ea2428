import type { HeapProfiler } from 'node:inspector'
import { type LocationInput, Profile, type SampleInput } from 'pprof-format'
import { createPprofFunctionTable } from './pprofFunctionTable.ts'

/** V8's sampled heap profile as the inspector's `HeapProfiler.getSamplingProfile` returns it. */
export type SamplingHeapProfile = HeapProfiler.SamplingHeapProfile

/** Options of {@link heapProfileToPprof}. */
export interface HeapProfileToPprofOptions {
  /** Average bytes between samples the sampler runs with (becomes the pprof `period`). */
  readonly samplingIntervalBytes: number
  /** When the profile was read, ms since epoch. */
  readonly takenAtMs: number
}

/**
 * Converts V8's sampled heap profile into a pprof profile with one sample type, `inuse_space/bytes`: the
 * estimated bytes of live objects allocated at each stack (V8 already scales its samples up to an estimate of
 * all allocations). V8's inspector reports sizes per stack, not object counts, so no `inuse_objects` is emitted.
 * Pure.
 *
 * @example
 * const { profile } = await session.post('HeapProfiler.getSamplingProfile')
 * const pprof = heapProfileToPprof(profile, { samplingIntervalBytes: 524288, takenAtMs: Date.now() })
 */
export function heapProfileToPprof(
  profile: SamplingHeapProfile,
  options: HeapProfileToPprofOptions,
): Profile {
  const { strings, functions, functionId } = createPprofFunctionTable()
  const locations: LocationInput[] = []
  const samples: SampleInput[] = []

  // Depth-first over the tree with an explicit stack (deep trees must not overflow the JS stack).
  const work: { node: HeapProfiler.SamplingHeapProfileNode; path: number[] }[] = []
  for (const child of profile.head.children) work.push({ node: child, path: [] })
  while (work.length > 0) {
    const { node, path } = work.pop()!
    const id = locations.length + 1
    const line = node.callFrame.lineNumber >= 0 ? node.callFrame.lineNumber + 1 : 0
    locations.push({ id, line: [{ functionId: functionId(node.callFrame), line }] })
    const stack = [id, ...path]
    if (node.selfSize > 0) samples.push({ locationId: stack, value: [node.selfSize] })
    for (const child of node.children) work.push({ node: child, path: stack })
  }

  const space = strings.dedup('space')
  const bytes = strings.dedup('bytes')
  const inuseSpace = strings.dedup('inuse_space')
  return new Profile({
    sampleType: [{ type: inuseSpace, unit: bytes }],
    sample: samples,
    location: locations,
    function: functions,
    stringTable: strings,
    timeNanos: BigInt(Math.round(options.takenAtMs)) * 1_000_000n,
    periodType: { type: space, unit: bytes },
    period: options.samplingIntervalBytes,
    defaultSampleType: inuseSpace,
  })
}
