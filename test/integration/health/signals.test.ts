import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestContext, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { waitFor } from '../../support/binaries.ts'

const FIXTURE = fileURLToPath(new URL('../../fixtures/health/signalApp.ts', import.meta.url))
const GRACE_MS = 5000
// Resolved here: the child runs in a temp directory, where `--import tsx` would not find the package.
const TSX = import.meta.resolve('tsx')

interface Running {
  readonly child: ChildProcess
  readonly port: number
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>
  output(): string
  lines(): Record<string, unknown>[]
}

/** Starts the fixture app wired one way, in a temp working directory, and waits until it listens. */
async function start(t: TestContext, wiring: string, env: Record<string, string> = {}): Promise<Running> {
  const cwd = mkdtempSync(join(tmpdir(), 'lookout-signals-'))
  const child = spawn(process.execPath, ['--conditions=lookout-source', '--import', TSX, FIXTURE], {
    cwd,
    env: { ...process.env, NODE_OPTIONS: '', WIRING: wiring, GRACE_MS: String(GRACE_MS), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    rmSync(cwd, { recursive: true, force: true })
  })
  let out = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d
  })
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    out += d
  })
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  await waitFor(
    'the app to listen',
    () => /^listening \d+$/m.test(out) || child.exitCode !== null,
    60_000,
    20,
  ).catch((err) => {
    throw new Error(`${(err as Error).message}\n${out}`)
  })
  if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}:\n${out}`)
  return {
    child,
    port: Number(/^listening (\d+)$/m.exec(out)?.[1]),
    exited,
    output: () => out,
    lines: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  }
}

/** The exit of `app`, or a failure naming what it printed when it is still running well after its grace period. */
async function exitOf(app: Running): Promise<[number | null, NodeJS.Signals | null]> {
  const stuck = new Promise<'stuck'>((resolve) => setTimeout(resolve, GRACE_MS * 4, 'stuck').unref())
  const result = await Promise.race([app.exited, stuck])
  if (result === 'stuck') assert.fail(`the process is still running after its shutdown:\n${app.output()}`)
  return result
}

const WIRINGS = ['fastify-plugin', 'fastify-shared', 'express', 'http'] as const

for (const wiring of WIRINGS) {
  test(`${wiring}: SIGTERM drains, flushes and exits 0 although the app still holds a timer`, async (t) => {
    const app = await start(t, wiring)
    const res = await fetch(`http://127.0.0.1:${app.port}/hello`)
    assert.equal(res.status, 200)
    await res.arrayBuffer()
    app.child.kill('SIGTERM')
    const [code, signal] = await exitOf(app)
    assert.deepEqual([code, signal], [0, null], app.output())
    const events = app.lines().map((l) => l.event)
    assert.ok(events.includes('shutdown_signal'), app.output())
    const complete = app.lines().find((l) => l.event === 'shutdown_complete')
    assert.equal(complete?.code, 0, app.output())
  })
}

test('one Ctrl-C (SIGINT) ends the process with code 0', async (t) => {
  const app = await start(t, 'fastify-shared')
  app.child.kill('SIGINT')
  const [code, signal] = await exitOf(app)
  assert.deepEqual([code, signal], [0, null], app.output())
})

test('a second signal during the shutdown ends the process at once with code 1', async (t) => {
  // A drain delay far longer than the test waits: only the second signal can end the process early.
  const app = await start(t, 'fastify-plugin', { DRAIN_MS: '600000', GRACE_MS: '600000' })
  app.child.kill('SIGTERM')
  await waitFor('the shutdown to start', () => app.output().includes('"shutdown_started"'), 30_000, 10)
  app.child.kill('SIGTERM')
  const [code, signal] = await exitOf(app)
  assert.deepEqual([code, signal], [1, null], app.output())
  assert.ok(
    app.lines().some((l) => l.event === 'shutdown_forced'),
    app.output(),
  )
  assert.ok(!app.lines().some((l) => l.event === 'shutdown_complete'), app.output())
})

test('terminate: false leaves the process to its event loop after a signal', async (t) => {
  const app = await start(t, 'http', { LOOKOUT_HANDLE_SIGNALS: 'true', TERMINATE: 'false' })
  app.child.kill('SIGTERM')
  await waitFor('the shutdown to complete', () => app.output().includes('"shutdown_complete"'), 30_000, 10)
  // The app's timer keeps it alive: still running after the shutdown completed.
  assert.equal(app.child.exitCode, null)
  app.child.kill('SIGKILL')
  await app.exited
})
