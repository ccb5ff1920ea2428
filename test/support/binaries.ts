import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import type { TestContext } from 'node:test'

const SEARCH_PATH = [
  '/usr/bin',
  '/usr/sbin',
  '/usr/local/bin',
  '/bin',
  '/usr/lib/postgresql/15/bin',
  '/usr/lib/postgresql/16/bin',
]

/** Absolute path of a binary, or undefined. */
export function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(SEARCH_PATH)) {
    if (dir && existsSync(`${dir}/${name}`)) return `${dir}/${name}`
  }
  return undefined
}

/** True under CI, where a test that needs a real binary must run, never skip. */
export const IN_CI = process.env.CI === 'true'

/**
 * The path of a required binary. When it is missing: under `CI=true` the test fails (install it in .ci/run);
 * locally the test is skipped with the reason and `undefined` is returned — return early when it is.
 *
 * @example
 * const promtool = requireBinary(t, 'promtool'); if (!promtool) return
 */
export function requireBinary(t: TestContext, name: string): string | undefined {
  const path = findBinary(name)
  if (path !== undefined) return path
  if (IN_CI) throw new Error(`${name} is required under CI=true but was not found (install it in .ci/run)`)
  t.skip(`${name} not installed (apt-get install it, or run under CI)`)
  return undefined
}

/** A free TCP port on 127.0.0.1 (the port is released before returning; bind soon after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** Polls `check` every `intervalMs` until it returns true or `timeoutMs` passes (then throws `what`). */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      if (await check()) return
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/**
 * Waits until a server started with {@link startProcess} answers `GET <url>/-/ready` with 2xx (Prometheus and
 * Alertmanager both serve it), each probe bounded at 5 s; on timeout it stops the process and throws with its
 * output.
 *
 * @example
 * await waitForReady('prometheus', `http://127.0.0.1:${port}`, proc)
 */
export async function waitForReady(
  what: string,
  url: string,
  proc: ReturnType<typeof startProcess>,
  timeoutMs = 30_000,
): Promise<void> {
  try {
    await waitFor(
      `${what} to be ready`,
      async () => (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(5000) })).ok,
      timeoutMs,
      100,
    )
  } catch (err) {
    await proc.stop()
    throw new Error(`${(err as Error).message}\n${proc.output()}`)
  }
}

/** Starts a long-running process, collecting its output for error messages. */
export function startProcess(
  cmd: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): {
  child: ChildProcess
  output: () => string
  stop: (signal?: NodeJS.Signals, timeoutMs?: number) => Promise<void>
} {
  const child = spawn(cmd, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const keep = (b: Buffer) => {
    out += b.toString()
    if (out.length > 64_000) out = out.slice(-32_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    child,
    output: () => out,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
      await exited
      clearTimeout(timer)
    },
  }
}

/**
 * Runs a command to completion and resolves with its stdout; rejects with the output when it fails or outlives
 * `timeoutMs` (default 60 s; the command is then killed). Asynchronous on purpose: a synchronous child blocks the
 * event loop, and with it every timer of the test — its timeout included.
 *
 * @example
 * assert.match(await run('promtool', ['check', 'config', file]), /SUCCESS/)
 */
export function run(
  cmd: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 60_000,
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        if (err === null) resolve(stdout)
        else reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`))
      },
    )
  })
}

/**
 * Whether a built file of the package exists (`dist/…`, relative to the repository root). When it is missing:
 * under `CI=true` the test fails (npm test builds first); locally the test is skipped with the reason and `false`
 * is returned — return early when it is.
 *
 * @example
 * if (!requireBuilt(t, 'dist/index.js')) return
 */
export function requireBuilt(t: TestContext, path: string): boolean {
  if (existsSync(new URL(`../../${path}`, import.meta.url))) return true
  if (IN_CI) throw new Error(`${path} is missing under CI=true: run npm run build`)
  t.skip('dist/ not built (npm test builds it first)')
  return false
}
