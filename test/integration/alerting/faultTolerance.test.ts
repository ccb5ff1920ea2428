// The fault test: 500 alerts fired while the receiver fails for a while and the firing process is SIGKILLed once
// mid-way; after a restart every alert is delivered to every channel, and no (channel, dedup key, action) is
// accepted twice. Runs on SQLite and on a real PostgreSQL.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestContext, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createStore } from '../../../src/store/createStore.ts'
import { waitFor } from '../../support/binaries.ts'
import { startPostgres } from '../../support/postgres.ts'
import { type AlertReceiver, startAlertReceiver } from '../../support/receivers/alertReceiver.ts'

const CHILD = fileURLToPath(new URL('./fixtures/firingChild.ts', import.meta.url))
const TOTAL = 500
const SECRET = 'fault-secret-0123456789'

interface Child {
  proc: ChildProcess
  lastFired: () => number
  output: () => string
  waitForLine: (re: RegExp, timeoutMs?: number) => Promise<void>
}

function startChild(storeUrl: string, receiver: AlertReceiver, from: number, configure: boolean): Child {
  const proc = spawn(process.execPath, ['--conditions=lookout-source', '--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      FAULT_STORE_URL: storeUrl,
      FAULT_RECEIVER_URL: receiver.url,
      FAULT_WEBHOOK_SECRET: SECRET,
      FAULT_FROM: String(from),
      FAULT_TO: String(TOTAL),
      FAULT_CONFIGURE: configure ? '1' : '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let last = from - 1
  const listeners = new Set<() => void>()
  const onData = (b: Buffer) => {
    out += b.toString()
    for (const m of b.toString().matchAll(/fired (\d+)/g)) last = Math.max(last, Number(m[1]))
    for (const l of [...listeners]) l()
  }
  proc.stdout!.on('data', onData)
  proc.stderr!.on('data', (b: Buffer) => {
    out += b.toString()
  })
  return {
    proc,
    lastFired: () => last,
    output: () => out,
    waitForLine(re, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (re.test(out)) {
            listeners.delete(check)
            clearTimeout(timer)
            resolve()
          }
        }
        const timer = setTimeout(() => {
          listeners.delete(check)
          reject(new Error(`child did not print ${re} in ${timeoutMs} ms:\n${out.slice(-2000)}`))
        }, timeoutMs)
        proc.once('exit', () => setTimeout(check, 10))
        listeners.add(check)
        check()
      })
    },
  }
}

async function kill(child: Child, signal: NodeJS.Signals) {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return
  const exited = new Promise((r) => child.proc.once('exit', r))
  child.proc.kill(signal)
  await exited
}

async function faultRun(t: TestContext, storeUrl: string) {
  const receiver = await startAlertReceiver({ webhookSecret: SECRET })
  t.after(() => receiver.close())
  // Phase 1: accept the first 120 requests, then fail everything (503, some 429 + Retry-After) until released.
  let failing = false
  let failuresSinceSwitch = 0
  receiver.fail(({ count }) => {
    if (!failing && receiver.accepted().length >= 120) failing = true
    if (!failing) return undefined
    failuresSinceSwitch++
    return count % 5 === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 503 }
  })
  const first = startChild(storeUrl, receiver, 0, true)
  t.after(() => kill(first, 'SIGKILL'))
  await first.waitForLine(/ready/)
  // Kill mid-way through firing, while the receiver is failing (so no attempt is between "accepted" and
  // "recorded" at that moment — that window is the at-least-once edge, see docs/alerting.md).
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no kill point:\n${first.output().slice(-2000)}`)),
      30_000,
    )
    const poll = setInterval(() => {
      if (failing && failuresSinceSwitch >= 20 && first.lastFired() >= 150) {
        clearInterval(poll)
        clearTimeout(timer)
        resolve()
      }
    }, 5)
  })
  await kill(first, 'SIGKILL')
  const firedBeforeKill = first.lastFired()
  assert.ok(firedBeforeKill < TOTAL - 1, `the kill came after all alerts were fired (${firedBeforeKill})`)

  // Phase 2: restart; it re-fires from the last acknowledged index (a committed-but-unprinted one is a repeat the
  // cooldown suppresses), the receiver keeps failing for 20 more requests, then recovers.
  const failuresAtRestart = failuresSinceSwitch
  receiver.fail(({ count }) => {
    if (failuresSinceSwitch - failuresAtRestart >= 20) return undefined
    failuresSinceSwitch++
    return count % 5 === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 503 }
  })
  const second = startChild(storeUrl, receiver, firedBeforeKill + 1, false)
  t.after(() => kill(second, 'SIGKILL'))
  await second.waitForLine(/all fired/)
  const keyOf = (r: (typeof receiver.requests)[number]) => {
    const b = r.body as Record<string, unknown>
    return r.kind === 'pagerduty' ? `pd|${b.dedup_key}|${b.event_action}` : `hook|${b.dedupKey}|${b.action}`
  }
  await receiver.waitFor((r) => new Set(r.accepted().map(keyOf)).size >= TOTAL * 2, 45_000)
  const store = createStore({ url: storeUrl })
  t.after(() => store.close())
  // The child records the last outcomes just after the receiver accepted them.
  await waitFor('the outbox to drain', async () => (await store.alertDeliveries.countPending()) === 0, 15_000)
  await kill(second, 'SIGTERM')

  const accepted = receiver.accepted()
  const counts = new Map<string, number>()
  for (const r of accepted) counts.set(keyOf(r), (counts.get(keyOf(r)) ?? 0) + 1)
  const twice = [...counts].filter(([, n]) => n > 1)
  assert.deepEqual(twice, [], 'a dedup key + action was delivered twice')
  const names = new Set(
    receiver.accepted('pagerduty').map((r) => (r.body as { payload: { summary: string } }).payload.summary),
  )
  assert.equal(names.size, TOTAL)
  assert.equal(receiver.requests.filter((r) => r.problems.length > 0 && r.status === 400).length, 0)
  assert.ok(failuresSinceSwitch >= 40, 'the receiver did fail for a while')

  {
    const history = await store.alertEvents.list('acme', { limit: 500 })
    history.push(...(await store.alertEvents.list('acme', { limit: 500, before: history.at(-1)!.id })))
    assert.equal(history.filter((e) => !e.suppressed).length, TOTAL)
    const retried = await store.alertDeliveries.listForEvents(history.map((e) => e.id))
    const all = [...retried.values()].flat()
    assert.equal(all.length, TOTAL * 2)
    assert.ok(all.every((d) => d.state === 'delivered'))
    assert.ok(
      all.some((d) => d.attempts > 1),
      'some deliveries were retried',
    )
  }
}

test('500 alerts survive a failing receiver and a SIGKILL on SQLite: all delivered, none twice', {
  timeout: 90_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-fault-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  await faultRun(t, `sqlite:${join(dir, 'lookout.db')}`)
})

test('500 alerts survive a failing receiver and a SIGKILL on PostgreSQL: all delivered, none twice', {
  timeout: 90_000,
}, async (t) => {
  const pg = await startPostgres(t)
  if (pg === undefined) return
  t.after(() => pg.stop())
  await faultRun(t, pg.url)
})
