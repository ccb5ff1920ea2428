import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Profile } from 'pprof-format'
import { type CpuProfile, cpuProfileToPprof } from '../../../src/profiling/cpuProfileToPprof.ts'
import { displayPath } from '../../../src/profiling/pprofFunctionTable.ts'

const frame = (functionName: string, url = 'file:///app/src/server.js', lineNumber = 9) => ({
  functionName,
  scriptId: '1',
  url,
  lineNumber,
  columnNumber: 0,
})

// (root) → main → spinZebra (hot) ; (root) → (idle) ; (root) → main → (anonymous)
const fixture: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', '', -1), hitCount: 0, children: [2, 3] },
    { id: 2, callFrame: frame('main', 'file:///app/src/server.js', 0), hitCount: 1, children: [4, 5] },
    { id: 3, callFrame: frame('(idle)', '', -1), hitCount: 2, children: [] },
    { id: 4, callFrame: frame('spinZebra', 'file:///app/src/hot.js', 41), hitCount: 3, children: [] },
    { id: 5, callFrame: frame('', 'file:///app/src/server.js', 20), hitCount: 1, children: [] },
  ],
  startTime: 1_000_000,
  endTime: 1_007_000,
  // each sample lasts 1000µs (until the next one; the last until endTime); the idle ones (node 3) are dropped.
  samples: [4, 4, 4, 2, 5, 3, 3],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000],
}

function decode(profile: Profile): Profile {
  return Profile.decode(profile.encode())
}

function stacks(p: Profile): Map<string, number[]> {
  const s = p.stringTable.strings
  const out = new Map<string, number[]>()
  for (const sample of p.sample) {
    const names = sample.locationId.map((id) => {
      const loc = p.location.find((l) => Number(l.id) === Number(id))!
      const fn = p.function.find((f) => Number(f.id) === Number(loc.line[0]!.functionId))!
      return s[Number(fn.name)]
    })
    out.set(names.join(';'), sample.value.map(Number))
  }
  return out
}

test('samples become leaf-first stacks with counts and the measured CPU time; idle samples are dropped', () => {
  const p = decode(cpuProfileToPprof(fixture, { intervalMicros: 1000, startedAtMs: 1_700_000_000_000 }))
  assert.deepEqual(
    Object.fromEntries(stacks(p)),
    Object.fromEntries([
      ['spinZebra;main', [3, 3_000_000]],
      ['main', [1, 1_000_000]],
      ['(anonymous);main', [1, 1_000_000]],
    ]),
  )
  const s = p.stringTable.strings
  assert.deepEqual(
    p.sampleType.map((t) => `${s[Number(t.type)]}/${s[Number(t.unit)]}`),
    ['samples/count', 'cpu/nanoseconds'],
  )
  assert.equal(`${s[Number(p.periodType!.type)]}/${s[Number(p.periodType!.unit)]}`, 'cpu/nanoseconds')
  assert.equal(Number(p.period), 1_000_000)
  assert.equal(BigInt(p.timeNanos), 1_700_000_000_000_000_000n)
  assert.equal(Number(p.durationNanos), 7_000_000)
  assert.equal(s[Number(p.defaultSampleType)], 'cpu')
})

test('functions carry the file path and 1-based start line', () => {
  const p = decode(cpuProfileToPprof(fixture, { intervalMicros: 1000, startedAtMs: 0 }))
  const s = p.stringTable.strings
  const hot = p.function.find((f) => s[Number(f.name)] === 'spinZebra')!
  assert.equal(s[Number(hot.filename)], '/app/src/hot.js')
  assert.equal(Number(hot.startLine), 42)
})

test('with dropIdle false the idle time is kept as its own stack', () => {
  const p = decode(cpuProfileToPprof(fixture, { intervalMicros: 1000, startedAtMs: 0, dropIdle: false }))
  assert.deepEqual(stacks(p).get('(idle)'), [2, 2_000_000])
})

test('a profile without samples falls back to hit counts times the interval', () => {
  const { samples: _s, timeDeltas: _t, ...noSamples } = fixture
  const p = decode(cpuProfileToPprof(noSamples as CpuProfile, { intervalMicros: 500, startedAtMs: 0 }))
  assert.deepEqual(stacks(p).get('spinZebra;main'), [3, 1_500_000])
})

test('file URLs become paths; other URLs stay as they are', () => {
  assert.equal(displayPath('file:///srv/app/index.js'), '/srv/app/index.js')
  assert.equal(displayPath('node:internal/timers'), 'node:internal/timers')
  assert.equal(displayPath(''), '')
})
