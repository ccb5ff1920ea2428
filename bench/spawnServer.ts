import { type ChildProcess, spawn } from 'node:child_process'
import type { Config } from './configs.ts'

/** A started benchmark server: its process, the port it announced, and what it wrote to stderr while starting. */
export interface SpawnedServer {
  readonly child: ChildProcess
  readonly port: number
  readonly stderr: string
}

/**
 * Starts one configuration's server (`bench/servers/<script>` under tsx, NODE_ENV=production, its feature flags
 * and env) and resolves once it prints `LISTENING <port>`. Servers import Lookout as users do — the built package
 * (dist/), not the sources through tsx, whose keep-names wrapper alone costs ~1 % per request; build first.
 *
 * @param wrapper a command to run node under (`['valgrind', '--tool=callgrind', …]`); default none
 * @param startTimeoutMs how long the server may take to announce its port; default 30 000
 * @param nodeFlags flags for node itself (`['--max-semi-space-size=16']`); default none
 * @example
 * const { child, port } = await spawnServer(config)
 */
export async function spawnServer(
  config: Config,
  wrapper: readonly string[] = [],
  startTimeoutMs = 30_000,
  nodeFlags: readonly string[] = [],
): Promise<SpawnedServer> {
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
