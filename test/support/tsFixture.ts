import { type ChildProcessByStdio, spawn } from 'node:child_process'
import type { Readable } from 'node:stream'
import type { TestContext } from 'node:test'

/** A TypeScript fixture running as a child process, with everything it has written so far. */
export interface TsFixture {
  readonly child: ChildProcessByStdio<null, Readable, Readable>
  readonly stdout: string
  readonly stderr: string
}

/** How {@link spawnTsFixture} starts the fixture besides tsx. */
export interface TsFixtureOptions {
  /** Modules preloaded with `--import` after tsx (e.g. `lookout/register`). Default none. */
  readonly imports?: readonly string[]
}

/**
 * Starts `file` under Node with tsx and the `lookout-source` condition, collects its output, and kills it when the
 * test ends if it is still running.
 *
 * @example
 * const app = spawnTsFixture(t, FIXTURE, { ...process.env, NODE_OPTIONS: '' })
 * await waitFor('the app to listen', () => /^listening \d+$/m.test(app.stderr))
 */
export function spawnTsFixture(
  t: TestContext,
  file: string,
  env: NodeJS.ProcessEnv,
  { imports = [] }: TsFixtureOptions = {},
): TsFixture {
  const preload = imports.flatMap((m) => ['--import', m])
  const child = spawn(
    process.execPath,
    ['--conditions=lookout-source', '--import', 'tsx', ...preload, file],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d
  })
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d
  })
  return {
    child,
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
  }
}
