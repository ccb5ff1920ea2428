import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Profile } from 'pprof-format'
import { heapProfileToPprof, type SamplingHeapProfile } from '../../../src/profiling/heapProfileToPprof.ts'

const frame = (functionName: string, lineNumber = 0) => ({
  functionName,
  scriptId: '1',
  url: 'file:///app/cache.js',
  lineNumber,
  columnNumber: 0,
})

const fixture: SamplingHeapProfile = {
  head: {
    callFrame: frame('(root)', -1),
    selfSize: 0,
    children: [
      {
        callFrame: frame('main'),
        selfSize: 100,
        children: [{ callFrame: frame('fillCacheOkapi', 7), selfSize: 4096, children: [] }],
      },
      { callFrame: frame('(program)'), selfSize: 0, children: [] },
    ],
  },
}

test('live bytes per stack become inuse_space samples, leaf first; empty nodes add no sample', () => {
  const p = Profile.decode(
    heapProfileToPprof(fixture, { samplingIntervalBytes: 524288, takenAtMs: 1_700_000_000_000 }).encode(),
  )
  const s = p.stringTable.strings
  assert.deepEqual(
    p.sampleType.map((t) => `${s[Number(t.type)]}/${s[Number(t.unit)]}`),
    ['inuse_space/bytes'],
  )
  assert.equal(Number(p.period), 524288)
  const got = p.sample.map((sample) => [
    sample.locationId
      .map((id) => {
        const loc = p.location.find((l) => Number(l.id) === Number(id))!
        return s[Number(p.function.find((f) => Number(f.id) === Number(loc.line[0]!.functionId))!.name)]
      })
      .join(';'),
    Number(sample.value[0]),
  ])
  assert.deepEqual(
    new Map(got as [string, number][]),
    new Map([
      ['fillCacheOkapi;main', 4096],
      ['main', 100],
    ]),
  )
})
