import { type ChildProcess, spawn } from 'node:child_process'
import type { TestContext } from 'node:test'
import { waitFor } from './binaries.ts'

/** A replica child process that printed `ready <port> <owner>`. */
export interface ReplicaProcess {
  readonly proc: ChildProcess
  readonly port: number
  readonly owner: string
}

/**
 * Starts a TypeScript replica fixture with `env` added to the test's environment, waits (up to `hangMs`, only to
 * catch a hang) for its `ready <port> <owner>` line, and kills it when the test ends — resumed first, since a test
 * may have frozen it with SIGSTOP.
 */
export async function startReplicaProcess(
  t: TestContext,
  name: string,
  child: string,
  env: Readonly<Record<string, string>>,
  hangMs: number,
): Promise<ReplicaProcess> {
  const proc = spawn(process.execPath, ['--conditions=lookout-source', '--import', 'tsx', child], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.after(() => {
    if (proc.exitCode !== null || proc.signalCode !== null) return
    proc.kill('SIGCONT')
    proc.kill('SIGKILL')
  })
  let out = ''
  const collect = (b: Buffer) => {
    out += b.toString()
  }
  proc.stdout!.on('data', collect)
  proc.stderr!.on('data', collect)
  await waitFor(`replica ${name} to start`, () => /^ready \d+ \S+$/m.test(out), hangMs).catch((err) => {
    throw new Error(`${(err as Error).message}\n${out.slice(-2000)}`)
  })
  const [, port, owner] = /^ready (\d+) (\S+)$/m.exec(out)!
  return { proc, port: Number(port), owner: owner! }
}
