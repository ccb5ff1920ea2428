import assert from 'node:assert/strict'
import { test } from 'node:test'
import { currentProfilerHold, tryAcquireProfiler } from '../../../src/profiling/profilerLock.ts'

test('a held profiler refuses a second holder until released; release is idempotent', () => {
  const first = tryAcquireProfiler('cpu', { holder: 'continuous', until: 10 })
  assert.ok(first)
  assert.equal(tryAcquireProfiler('cpu', { holder: 'on-demand', until: 20 }), undefined)
  assert.equal(currentProfilerHold('cpu')?.holder, 'continuous')
  // The heap profiler is a separate lock.
  const heap = tryAcquireProfiler('heap', { holder: 'on-demand', until: 5 })
  assert.ok(heap)
  heap.release()
  first.release()
  assert.equal(currentProfilerHold('cpu'), undefined)
  const second = tryAcquireProfiler('cpu', { holder: 'on-demand', until: 30 })
  assert.ok(second)
  first.release() // a stale release must not free the new holder's lock
  assert.equal(currentProfilerHold('cpu')?.holder, 'on-demand')
  second.release()
})
