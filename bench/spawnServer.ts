import { type ChildProcess, spawn } from 'node:child_process'
import type { Config } from './configs.ts'

/** A started benchmark server: its process, the port it announced, and what it wrote to stderr while starting. */
export interface SpawnedServer {
  readonly child: ChildProcess
  readonly port: number
  readonly stderr: string
}

/** Options of {@link spawnServer}. */
export interface SpawnOptions {
  /** A command to run node under (`['valgrind', '--tool=callgrind', …]`). Default none. */
  readonly wrapper?: readonly string[]
  /** How long the server may take to announce its port (ms). Default 30 000. */
  readonly startTimeoutMs?: number
  /** Flags for node itself (`['--max-semi-space-size=16']`). Default none. */
  readonly nodeFlags?: readonly string[]
  /** The checkout to run the server from (its bench/servers and its built package). Default the current directory. */
  readonly cwd?: string
}

/**
 * Starts one configuration's server (`bench/servers/<script>` under tsx, NODE_ENV=production, its feature flags
 * and env) and resolves once it prints `LISTENING <port>`. Servers import Lookout as users do — the built package
 * (dist/), not the sources through tsx, whose keep-names wrapper alone costs ~1 % per request; build first.
 *
 * @example
 * const { child, port } = await spawnServer(config)
 * await spawnServer(config, { wrapper: ['valgrind', '--tool=callgrind'], startTimeoutMs: 180_000 })
 */
export async function spawnServer(config: Config, options: SpawnOptions = {}): Promise<SpawnedServer> {
  const { wrapper = [], startTimeoutMs = 30_000, nodeFlags = [], cwd } = options
  const nodeArgs = [...nodeFlags, '--import', 'tsx', `bench/servers/${config.script}`]
  const [command, ...args] = [...wrapper, process.execPath, ...nodeArgs]
  const child = spawn(command!, args, {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOOKOUT_BENCH_FEATURES: config.features ?? '',
      ...config.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd,
  })
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (d) => {
      out += d
      const m = /LISTENING (\d+)/.exec(out)
      if (m) resolve(Number(m[1]))
    })
    child.once('exit', (code) => reject(new Error(`${config.name} exited (${code}): ${stderr.slice(-2000)}`)))
    setTimeout(
      () => reject(new Error(`${config.name} did not start in ${startTimeoutMs} ms: ${stderr.slice(-2000)}`)),
      startTimeoutMs,
    ).unref()
  })
  return { child, port, stderr }
}
