// The fault test: 500 alerts fired while the receiver fails for a while and the firing process is SIGKILLed once
// mid-way; after a restart every alert is delivered to every channel, each (channel, dedup key, action) under one
// idempotency key, and the receiver (which drops repeats of a key, as PagerDuty and Opsgenie do) pages each once.
// Runs with a CPU hog on both cores: on SQLite, on a real PostgreSQL, and on PostgreSQL with three replicas of
// which one is frozen (SIGSTOP) past its lease mid-run and then woken (SIGCONT).
// Waits are bounded only to catch a hang: nothing here measures speed.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestContext, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createStore } from '../../../src/store/createStore.ts'
import { waitFor } from '../../support/binaries.ts'
import { startCpuHog } from '../../support/cpuHog.ts'
import { startPostgres } from '../../support/postgres.ts'
import { type AlertReceiver, startAlertReceiver } from '../../support/receivers/alertReceiver.ts'

const CHILD = fileURLToPath(new URL('./fixtures/firingChild.ts', import.meta.url))
const TOTAL = 500
const SECRET = 'fault-secret-0123456789'
/** Only a hang reaches these. */
const HANG_MS = 240_000
/** The children's claim lease (fixtures/firingChild.ts). */
const LEASE_MS = 2500

interface Child {
  proc: ChildProcess
  lastFired: () => number
  output: () => string
  waitForLine: (re: RegExp, timeoutMs?: number) => Promise<void>
}

function startChild(
  storeUrl: string,
  receiver: AlertReceiver,
  from: number,
  configure: boolean,
  to = TOTAL,
): Child {
  const proc = spawn(process.execPath, ['--conditions=lookout-source', '--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      FAULT_STORE_URL: storeUrl,
      FAULT_RECEIVER_URL: receiver.url,
      FAULT_WEBHOOK_SECRET: SECRET,
      FAULT_FROM: String(from),
      FAULT_TO: String(to),
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
    waitForLine(re, timeoutMs = HANG_MS) {
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

async function faultRun(t: TestContext, storeUrl: string, replicas = 1) {
  const hog = await startCpuHog()
  t.after(() => hog.stop())
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
  // Further replicas only deliver (they fire nothing), sharing the outbox with the firing one.
  const others: Child[] = []
  for (let i = 1; i < replicas; i++) {
    const other = startChild(storeUrl, receiver, TOTAL, false)
    t.after(() => kill(other, 'SIGKILL'))
    await other.waitForLine(/all fired/)
    others.push(other)
  }
  const frozen = others[0]
  // Frozen while it holds claims (the receiver is accepting), past its lease, then woken: its late outcomes and
  // sends must not apply or count. Runs beside the firing and the kill below.
  const freezing = (async () => {
    if (frozen === undefined) return
    await receiver.waitFor((r) => r.accepted().length >= 40, HANG_MS)
    frozen.proc.kill('SIGSTOP')
    t.after(() => frozen.proc.kill('SIGCONT'))
    await new Promise((r) => setTimeout(r, LEASE_MS * 2))
    frozen.proc.kill('SIGCONT')
  })()
  // Kill mid-way through firing, while the receiver is failing (so no attempt is between "accepted" and
  // "recorded" at that moment — that window is the at-least-once edge, see docs/alerting.md).
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no kill point:\n${first.output().slice(-2000)}`)),
      HANG_MS,
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
  await freezing
  const keyOf = (r: (typeof receiver.requests)[number]) => {
    const b = r.body as Record<string, unknown>
    return r.kind === 'pagerduty' ? `pd|${b.dedup_key}|${b.event_action}` : `hook|${b.dedupKey}|${b.action}`
  }
  await receiver.waitFor((r) => new Set(r.delivered().map(keyOf)).size >= TOTAL * 2, HANG_MS)
  const store = createStore({ url: storeUrl })
  t.after(() => store.close())
  // The child records the last outcomes just after the receiver accepted them.
  await waitFor(
    'the outbox to drain',
    async () => (await store.alertDeliveries.countPending()) === 0,
    HANG_MS,
  )
  await kill(second, 'SIGTERM')
  for (const other of others) await kill(other, 'SIGTERM')
  await hog.stop()

  // Lost: none — every (channel, dedup key, action) reached the receiver. Duplicate: none — each went out under one
  // idempotency key (a second key would be a second page), and counted by key the receiver paged each once.
  const keysPerAction = new Map<string, Set<string | undefined>>()
  for (const r of receiver.accepted()) {
    const keys = keysPerAction.get(keyOf(r)) ?? new Set()
    keys.add(r.idempotencyKey)
    keysPerAction.set(keyOf(r), keys)
  }
  assert.equal(keysPerAction.size, TOTAL * 2)
  const split = [...keysPerAction].filter(([, keys]) => keys.size !== 1 || keys.has(undefined))
  assert.deepEqual(split, [], 'a dedup key + action went out under more than one idempotency key (or none)')
  const paged = new Map<string, number>()
  for (const r of receiver.delivered()) paged.set(keyOf(r), (paged.get(keyOf(r)) ?? 0) + 1)
  const twice = [...paged].filter(([, n]) => n > 1)
  assert.deepEqual(twice, [], 'a dedup key + action was delivered twice')
  const names = new Set(
    receiver.delivered('pagerduty').map((r) => (r.body as { payload: { summary: string } }).payload.summary),
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
  timeout: 600_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-fault-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  await faultRun(t, `sqlite:${join(dir, 'lookout.db')}`)
})

test('500 alerts survive a failing receiver and a SIGKILL on PostgreSQL: all delivered, none twice', {
  timeout: 600_000,
}, async (t) => {
  const pg = await startPostgres(t)
  if (pg === undefined) return
  t.after(() => pg.stop())
  await faultRun(t, pg.url)
})

test('500 alerts survive a failing receiver, a SIGKILL and a frozen replica on PostgreSQL with three replicas', {
  timeout: 600_000,
}, async (t) => {
  const pg = await startPostgres(t)
  if (pg === undefined) return
  t.after(() => pg.stop())
  await faultRun(t, pg.url, 3)
})
