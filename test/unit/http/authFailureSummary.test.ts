import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { describe, test } from 'node:test'
import {
  type AuthFailureSummary,
  type AuthFailureSummaryOptions,
  createAuthFailureSummary,
} from '../../../src/http/authFailureSummary.ts'

/** A summary on a hand-driven clock and timer: `elapse(ms)` moves the clock and runs the timer once it is due. */
function driven(options: Partial<AuthFailureSummaryOptions> = {}) {
  let now = 1_000_000
  let due: { at: number; run: () => void } | undefined
  const scheduled: number[] = []
  const reports: AuthFailureSummary[] = []
  const summary = createAuthFailureSummary({
    threshold: 3,
    report: (s) => reports.push(s),
    now: () => now,
    schedule(run, ms) {
      scheduled.push(ms)
      const timer = { at: now + ms, run }
      due = timer
      return () => {
        if (due === timer) due = undefined
      }
    },
    ...options,
  })
  const elapse = (ms: number) => {
    now += ms
    if (due !== undefined && due.at <= now) {
      const { run } = due
      due = undefined
      run()
    }
  }
  return { summary, reports, scheduled, elapse, pending: () => due !== undefined }
}

describe('the process-wide summary of operator-key failures', () => {
  test('a window is reported once it ends, with failures by route, refusals and distinct addresses', () => {
    const { summary, reports, elapse } = driven()
    summary.failed('/observability/config', '203.0.113.7')
    summary.failed('/observability/config', '203.0.113.8')
    summary.failed('/status', '203.0.113.7')
    summary.refused()
    summary.refused()
    elapse(59_999)
    assert.equal(reports.length, 0, 'not before the window ends')
    elapse(1)
    assert.deepEqual(reports, [
      {
        failures: 3,
        throttled: 2,
        addresses: 2,
        addressesCapped: false,
        routes: { '/observability/config': 2, '/status': 1 },
        windowSeconds: 60,
      },
    ])
  })

  test('addresses in one IPv6 /64 count once, as do IPv4-mapped and plain IPv4 forms of one address', () => {
    const { summary, reports, elapse } = driven()
    for (const ip of ['2001:db8:1:2::a', '2001:DB8:1:2:0:0:0:b', '2001:db8:1:2:ffff::c', '2001:db8:1:3::a'])
      summary.failed('/observability/config', ip)
    summary.failed('/observability/config', '::ffff:198.51.100.1')
    summary.failed('/observability/config', '198.51.100.1')
    elapse(60_000)
    assert.equal(reports[0]?.addresses, 3)
  })

  test('a client without an address is counted as one unknown address', () => {
    const { summary, reports, elapse } = driven()
    for (let i = 0; i < 3; i++) summary.failed('/observability/config', undefined)
    elapse(60_000)
    assert.equal(reports[0]?.addresses, 1)
  })

  test('past the address cap the count is a lower bound, flagged, and addresses already seen do not set the flag', () => {
    const seen = driven({ maxAddresses: 2 })
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.1', '203.0.113.2'])
      seen.summary.failed('/a', ip)
    seen.elapse(60_000)
    assert.equal(seen.reports[0]?.addresses, 2)
    assert.equal(seen.reports[0]?.addressesCapped, false)

    const capped = driven({ maxAddresses: 2 })
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4'])
      capped.summary.failed('/a', ip)
    capped.elapse(60_000)
    assert.equal(capped.reports[0]?.failures, 4)
    assert.equal(capped.reports[0]?.addresses, 2)
    assert.equal(capped.reports[0]?.addressesCapped, true)
  })

  test('routes past the kept ones are summed under other', () => {
    const { summary, reports, elapse } = driven({ maxRoutes: 2 })
    for (const route of ['/a', '/b', '/c', '/a', '/d', '/b']) summary.failed(route, '203.0.113.7')
    elapse(60_000)
    assert.deepEqual(reports[0]?.routes, { '/a': 2, '/b': 2, other: 2 })
  })

  test('a window below the threshold reports nothing, however many refusals it holds', () => {
    const { summary, reports, elapse } = driven()
    summary.failed('/observability/config', '203.0.113.7')
    summary.failed('/observability/config', '203.0.113.7')
    for (let i = 0; i < 50; i++) summary.refused()
    elapse(60_000)
    assert.deepEqual(reports, [])
  })

  test('a window ends at its timer and is reset: the next failure opens a new window, counted afresh', () => {
    const { summary, reports, scheduled, elapse, pending } = driven()
    for (let i = 0; i < 3; i++) summary.failed('/observability/config', '203.0.113.7')
    assert.deepEqual(scheduled, [60_000], 'one timer for the window, not one per failure')
    elapse(60_000)
    assert.equal(reports.length, 1)
    assert.equal(pending(), false, 'no timer runs between windows')

    elapse(3_600_000)
    summary.failed('/status', '203.0.113.9')
    summary.failed('/status', '203.0.113.9')
    assert.deepEqual(scheduled, [60_000, 60_000])
    elapse(60_000)
    assert.equal(
      reports.length,
      1,
      'two failures are below the threshold: the first window’s are not carried over',
    )

    for (let i = 0; i < 4; i++) summary.failed('/status', '203.0.113.10')
    elapse(60_000)
    assert.equal(reports.length, 2)
    assert.deepEqual(reports[1]?.routes, { '/status': 4 })
    assert.equal(reports[1]?.addresses, 1)
  })

  test('the window is timed by the injected clock, so a timer that fires late reports the time it covered', () => {
    let now = 0
    let fire: (() => void) | undefined
    const reports: AuthFailureSummary[] = []
    const summary = createAuthFailureSummary({
      threshold: 1,
      report: (s) => reports.push(s),
      now: () => now,
      schedule(run) {
        fire = run
        return () => {}
      },
    })
    summary.failed('/observability/config', '203.0.113.7')
    now = 75_000
    fire?.()
    assert.equal(reports[0]?.windowSeconds, 75)
  })

  test('stop reports the window in progress when it reached the threshold, cancels its timer, and counts nothing more', () => {
    const { summary, reports, elapse, pending } = driven()
    for (let i = 0; i < 3; i++) summary.failed('/observability/config', '203.0.113.7')
    elapse(10_000)
    summary.stop()
    summary.stop()
    assert.equal(pending(), false)
    assert.equal(reports.length, 1)
    assert.equal(reports[0]?.windowSeconds, 10)
    for (let i = 0; i < 3; i++) summary.failed('/observability/config', '203.0.113.7')
    elapse(60_000)
    assert.equal(reports.length, 1)
    assert.equal(pending(), false)
  })

  test('a report that throws reaches neither the timer nor the caller, and the next window still counts', () => {
    let calls = 0
    const { summary, elapse } = driven({
      report: () => {
        calls++
        throw new Error('sink down')
      },
    })
    for (let i = 0; i < 3; i++) summary.failed('/observability/config', '203.0.113.7')
    assert.doesNotThrow(() => elapse(60_000))
    for (let i = 0; i < 3; i++) summary.failed('/observability/config', '203.0.113.7')
    assert.doesNotThrow(() => elapse(60_000))
    assert.equal(calls, 2)
  })

  test('the default timer is unref’d: an open window does not keep the process alive', () => {
    const script = `
      import { createAuthFailureSummary } from ${JSON.stringify(new URL('../../../src/http/authFailureSummary.ts', import.meta.url).href)}
      const s = createAuthFailureSummary({ threshold: 1, report: () => console.log('reported') })
      s.failed('/observability/config', '203.0.113.7')
    `
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    })
    assert.equal(child.status, 0, child.stderr)
    assert.equal(child.stdout, '', 'the process ended before the window did')
  })
})
