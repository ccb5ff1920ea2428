import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'

// A child process starts the watchdog, then spins in a promise loop that never yields to timers for 6 s — the
// kind of stall a test timeout cannot report. The watchdog must name the phase and show the spinning function.
const CHILD = `
import { startWatchdog } from ${JSON.stringify(new URL('../../support/watchdog.ts', import.meta.url).href)}
const dog = startWatchdog('child', 500)
dog.phase('spinning on purpose')
dog.progress('before the stall')
async function spinWithoutYielding(until) { while (Date.now() < until) await Promise.resolve() }
await spinWithoutYielding(Date.now() + 6000)
dog.progress('after the stall')
await dog.stop()
`

test('the watchdog reports a stalled event loop with its phase and the main thread stack', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    encoding: 'utf8',
    timeout: 30_000,
  })
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stderr, /child \+\d+\.\ds \[spinning on purpose\] before the stall/)
  assert.match(r.stderr, /watchdog: the event loop has not turned for \d+ s \(phase: spinning on purpose\)/)
  assert.match(
    r.stderr,
    /watchdog: main thread stack \(sample \d+\):\n(\s+at .*\n)*\s+at spinWithoutYielding /,
  )
  assert.match(
    r.stderr,
    /child \+\d+\.\ds \[spinning on purpose\] after the stall \(longest event-loop stall so far \d{4} ms\)/,
  )
})
