// In-process SLO counts across restarts and replicas, on a SQLite file and a real PostgreSQL: a child app is
// stopped with SIGTERM (the shutdown flush writes what is pending) or SIGKILL (what the periodic flush wrote
// survives), then a new process on the same store reports the same window; two processes on one PostgreSQL sum.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestContext, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createStore } from '../../../src/store/createStore.ts'
import { waitFor } from '../../support/binaries.ts'
import { startPostgres } from '../../support/postgres.ts'

const FIXTURE = fileURLToPath(new URL('../../fixtures/slo/restartApp.ts', import.meta.url))
const OPS = 'ops-key-0123456789abcdef'

interface App {
  readonly base: string
  readonly child: ChildProcess
  readonly exited: Promise<unknown>
}

async function startApp(t: TestContext, storeUrl: string, flushMs: number): Promise<App> {
  const child = spawn(process.execPath, ['--conditions=lookout-source', '--import', 'tsx', FIXTURE], {
    env: { ...process.env, STORE_URL: storeUrl, OPERATOR_KEY: OPS, FLUSH_MS: String(flushMs) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let out = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d
  })
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    out += d
  })
  const exited = once(child, 'exit')
  await waitFor('the app to listen', () => /^listening \d+$/m.test(out), 60_000, 20).catch((err) => {
    throw new Error(`${(err as Error).message}\n${out}`)
  })
  return { base: `http://127.0.0.1:${/^listening (\d+)$/m.exec(out)![1]}`, child, exited }
}

async function drive(app: App, good: number, bad: number): Promise<void> {
  for (let i = 0; i < good + bad; i++) {
    const res = await fetch(`${app.base}/work`, {
      headers: { 'x-tenant-id': 'acme', ...(i < bad ? { 'x-fail': '1' } : {}) },
    })
    await res.arrayBuffer()
  }
}

async function availability(app: App): Promise<{ good: number; total: number; budgetRemaining: number }> {
  const res = await fetch(`${app.base}/observability/slo/status/acme`, {
    headers: { authorization: `Bearer ${OPS}` },
  })
  assert.equal(res.status, 200)
  const body = (await res.json()) as {
    slos: { slo: string; good: number; total: number; budgetRemaining: number }[]
  }
  const slo = body.slos.find((s) => s.slo === 'availability')!
  return { good: slo.good, total: slo.total, budgetRemaining: slo.budgetRemaining }
}

async function storedTotal(url: string): Promise<number> {
  const store = createStore({ url })
  try {
    const now = Date.now()
    return (await store.sloBuckets.sum('acme', 'availability', now - 86_400_000, now + 60_000)).total
  } finally {
    await store.close()
  }
}

async function restartCases(t: TestContext, newUrl: () => Promise<string>) {
  await t.test('SIGTERM writes the pending counts; the next process reports the same window', async (t) => {
    const url = await newUrl()
    const first = await startApp(t, url, 600_000)
    await drive(first, 38, 2)
    const before = await availability(first)
    assert.deepEqual([before.good, before.total], [38, 40])
    first.child.kill('SIGTERM')
    await first.exited
    assert.equal(await storedTotal(url), 40)
    const second = await startApp(t, url, 600_000)
    assert.deepEqual(await availability(second), before)
  })
  await t.test('SIGKILL keeps what the periodic flush wrote', async (t) => {
    const url = await newUrl()
    const first = await startApp(t, url, 100)
    await drive(first, 27, 3)
    await waitFor('the periodic flush', async () => (await storedTotal(url)) === 30, 30_000, 100)
    const before = await availability(first)
    first.child.kill('SIGKILL')
    await first.exited
    const second = await startApp(t, url, 100)
    assert.deepEqual(await availability(second), before)
    assert.deepEqual([before.good, before.total], [27, 30])
  })
}

test('SLO counts survive restarts on sqlite', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-slo-restart-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  let n = 0
  await restartCases(t, async () => `sqlite:${join(dir, `case-${++n}.db`)}`)
})

test('SLO counts survive restarts on postgres', async (t) => {
  const pg = await startPostgres(t)
  if (pg === undefined) return
  t.after(() => pg.stop())
  await restartCases(t, () => pg.createDatabase())
})

test('two replicas on one postgres sum their counts', async (t) => {
  const pg = await startPostgres(t)
  if (pg === undefined) return
  t.after(() => pg.stop())
  const url = await pg.createDatabase()
  const [a, b] = await Promise.all([startApp(t, url, 100), startApp(t, url, 100)])
  await Promise.all([drive(a, 20, 1), drive(b, 15, 4)])
  await waitFor('both flushes', async () => (await storedTotal(url)) === 40, 30_000, 100)
  for (const app of [a, b]) {
    const figures = await availability(app)
    assert.deepEqual([figures.good, figures.total], [35, 40])
  }
})
