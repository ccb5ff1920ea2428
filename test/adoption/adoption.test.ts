import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type TestContext, test } from 'node:test'
import { findBinary, waitFor } from '../support/binaries.ts'
import { installLookoutApp } from '../support/packedLookout.ts'
import { APPS } from './apps.ts'

// Lookout packed, then installed offline into fresh apps with the oldest and the latest framework releases it
// supports; each app runs as a child process the way its author would start it.
const LATEST = { fastify: '5.12.8', express: '5.3.0' }
const OLDEST = { fastify: '5.0.0', express: '4.22.3' }
const GRACE_MS = 5000
// Packing and installing take minutes on a busy machine (shared by every test here once done).
const SLOW = { timeout: 900_000 }
const SHUTDOWN_ENV = { LOOKOUT_SHUTDOWN_DRAIN_DELAY_MS: '100', LOOKOUT_SHUTDOWN_GRACE_MS: String(GRACE_MS) }

interface Started {
  readonly child: ChildProcess
  readonly port: number
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>
  stdout(): string
  stderr(): string
}

let counter = 0
/** Writes `app` into a new directory of the install root and starts it; `asNobody` drops root privileges. */
async function start(
  t: TestContext,
  root: string,
  app: keyof typeof APPS,
  options: { env?: Record<string, string>; asNobody?: boolean; expectExit?: boolean } = {},
): Promise<Started> {
  const dir = join(root, `run-${process.pid}-${counter++}`)
  mkdirSync(dir)
  const { file, source } = APPS[app]!
  writeFileSync(join(dir, file), source)
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    NODE_ENV: 'production',
    ...SHUTDOWN_ENV,
    ...options.env,
  }
  let command = process.execPath
  let args = [file]
  if (options.asNobody) {
    // A read-only working directory owned by root, and a user that cannot write anywhere Lookout might.
    chmodSync(dir, 0o555)
    command = findBinary('setpriv')!
    args = ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, file]
  }
  const child = spawn(command, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d
  })
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d
  })
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  await waitFor('the app to listen', () => /^listening \d+$/m.test(err) || child.exitCode !== null, 60_000)
  if (child.exitCode !== null && !options.expectExit) assert.fail(`the app exited:\n${out}\n${err}`)
  return {
    child,
    port: Number(/^listening (\d+)$/m.exec(err)?.[1]),
    exited,
    stdout: () => out,
    stderr: () => err,
  }
}

/** JSON lines of stdout. */
function linesOf(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

/** The common checks: the app's route, Lookout's probes and their protection, one redacted line, SIGTERM → 0. */
async function checkApp(app: Started, prefix = ''): Promise<void> {
  const base = `http://127.0.0.1:${app.port}`
  const hello = await fetch(`${base}/hello?token=tok-abcdef123456`)
  assert.equal(hello.status, 200)
  const id = hello.headers.get('x-request-id')
  assert.ok(id, 'the request id is echoed')
  await hello.arrayBuffer()
  assert.equal((await fetch(`${base}${prefix}/health/ready`)).status, 200)
  const config = await fetch(`${base}${prefix}/observability/config`)
  assert.equal(config.status, 401, 'operator routes need a key')
  await waitFor('the request line', () => app.stdout().includes(id!), 15_000)
  app.child.kill('SIGTERM')
  const stuck = new Promise<'stuck'>((resolve) => setTimeout(resolve, GRACE_MS * 4, 'stuck').unref())
  const result = await Promise.race([app.exited, stuck])
  assert.notEqual(result, 'stuck', `still running after SIGTERM:\n${app.stdout()}`)
  assert.deepEqual(result, [0, null], `${app.stdout()}\n${app.stderr()}`)

  const about = linesOf(app.stdout()).filter((l) => JSON.stringify(l).includes(id!))
  assert.equal(about.filter((l) => l.event === 'request').length, 1, 'one request line')
  assert.ok(!about.some((l) => 'reqId' in l || l.msg === 'incoming request'), 'no second request line')
  for (const secret of ['alice@example.com', 'hunter2-secret', 'tok-abcdef123456']) {
    assert.ok(!app.stdout().includes(secret), `${secret} printed`)
    assert.ok(!app.stderr().includes(secret), `${secret} printed on stderr`)
  }
}

for (const [name, versions] of [
  ['latest', LATEST],
  ['oldest', OLDEST],
] as const) {
  test(
    `${name} frameworks (Fastify ${versions.fastify}, Express ${versions.express}): Fastify with logger: true, Express, node:http and CommonJS apps serve, protect, log once and exit 0 on SIGTERM`,
    SLOW,
    async (t) => {
      const root = await installLookoutApp({ dependencies: versions })
      for (const app of ['fastify-logger', 'express', 'http', 'commonjs'] as const) {
        await t.test(app, async (t) => checkApp(await start(t, root, app)))
      }
    },
  )
}

test(
  'an app with its own /health and /status: a coded collision naming the prefix option; with the prefix it keeps them',
  SLOW,
  async (t) => {
    const root = await installLookoutApp({ dependencies: LATEST })
    const failed = await start(t, root, 'fastify-own-routes', { expectExit: true })
    const [code] = await failed.exited
    assert.notEqual(code, 0)
    assert.match(failed.stderr(), /LOOKOUT_ERR_ROUTE_COLLISION/)
    assert.match(failed.stderr(), /LOOKOUT_ROUTE_PREFIX/)

    const app = await start(t, root, 'fastify-own-routes', { env: { LOOKOUT_ROUTE_PREFIX: '/_lookout' } })
    assert.equal(await (await fetch(`http://127.0.0.1:${app.port}/health`)).text(), 'app health')
    assert.equal(await (await fetch(`http://127.0.0.1:${app.port}/status`)).text(), 'app status')
    await checkApp(app, '/_lookout')
  },
)

test(
  'as a non-root user in a read-only working directory the app starts, writes nothing and exits 0',
  SLOW,
  async (t) => {
    if (process.getuid?.() !== 0) {
      // CI runs as root: there the case must run, never pass by skipping.
      assert.notEqual(process.env.CI, 'true', 'under CI=true this test needs root to drop to nobody')
      t.skip('runs as root only (it drops to nobody)')
      return
    }
    const root = await installLookoutApp({ dependencies: LATEST })
    chmodSync(root, 0o755)
    const app = await start(t, root, 'fastify-logger', { asNobody: true })
    const dir = join(root, `run-${process.pid}-${counter - 1}`)
    await checkApp(app)
    assert.deepEqual(readdirSync(dir), ['app.mjs'], 'nothing written to the working directory')
  },
)
