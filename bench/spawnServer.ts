import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { join } from 'node:path'
import type { BenchApp } from './app.ts'

/** A started server: its process and the port it announced. */
export interface SpawnedServer {
  readonly child: ChildProcess
  readonly port: number
}

/** Options of {@link spawnServer}. */
export interface SpawnOptions {
  /** The core every thread of the process runs on (`taskset -c`); none: unpinned. */
  readonly core?: number
  /** A command to run node under (`['valgrind', '--tool=callgrind', …]`). Default none. */
  readonly wrapper?: readonly string[]
  /** Flags for node itself. Default none, as a user runs it. */
  readonly nodeFlags?: readonly string[]
  /** Variables besides the base environment (PATH, HOME, NODE_ENV=production, METRICS_TOKEN). */
  readonly env?: Readonly<Record<string, string>>
  /** How long the server may take to announce its port (ms). Default 60 000. */
  readonly startTimeoutMs?: number
}

/**
 * Starts `servers/<script>` of the app with the app's Node, in the app's directory, with a clean environment (no
 * variable of the runner's shell reaches Lookout's configuration), stdout (the service's log stream) to /dev/null,
 * and resolves once it writes `LISTENING <port>` on fd 3. With `core`, the process is started under
 * `taskset -c`, so every thread it creates runs there too.
 *
 * @example
 * const { child, port } = await spawnServer(app, 'fastify-bare.mjs', { core: 0 })
 */
export async function spawnServer(
  app: BenchApp,
  script: string,
  options: SpawnOptions = {},
): Promise<SpawnedServer> {
  const { core, wrapper = [], nodeFlags = [], env = {}, startTimeoutMs = 60_000 } = options
  const pin = core === undefined ? [] : ['taskset', '-c', String(core)]
  const [command, ...args] = [...pin, ...wrapper, app.node, ...nodeFlags, join(app.dir, 'servers', script)]
  const devNull = openSync('/dev/null', 'w')
  const child = spawn(command!, args, {
    cwd: app.dir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? app.dir,
      NODE_ENV: 'production',
      METRICS_TOKEN: 'bench-metrics-token',
      ...env,
    },
    stdio: ['ignore', devNull, 'pipe', 'pipe'],
  })
  closeSync(devNull)
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr = (stderr + d).slice(-4000)
  })
  const announcements = child.stdio[3] as NodeJS.ReadableStream
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${script} did not start in ${startTimeoutMs} ms: ${stderr}`))
    }, startTimeoutMs)
    announcements.on('data', (d) => {
      out += d
      const m = /LISTENING (\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`${script} exited (${code ?? signal}) before listening: ${stderr}`))
    })
  })
  return { child, port }
}

/**
 * Stops a server: SIGTERM (the peers flush their spans), then SIGKILL after `graceMs` — Lookout's graceful shutdown
 * keeps serving for its drain delay (5 s by default) first, which a benchmark has no use for.
 */
export function stopServer(child: ChildProcess, graceMs = 1000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), graceMs).unref()
  })
}
