// A CPU hog for fault tests: child processes that spin on a core each, so the code under test competes for CPU the
// way it does on a busy machine. Started and stopped by the test (stop it in t.after).
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'

/** Running spinners. */
export interface CpuHog {
  /** Process ids of the spinners. */
  readonly pids: readonly number[]
  /** Kills every spinner and waits for them to exit. Idempotent. */
  stop(): Promise<void>
}

/**
 * Starts `processes` (default 2, one per core of a two-core machine) Node children that spin until stopped. Each
 * also exits on its own when its parent dies (stdin closes), so a crashed test leaves nothing spinning.
 *
 * @example
 * const hog = await startCpuHog()
 * t.after(() => hog.stop())
 */
export async function startCpuHog(processes = 2): Promise<CpuHog> {
  const script =
    "process.stdin.on('close', () => process.exit(0)); process.stdin.resume();" +
    "process.stdout.write('spinning\\n'); setImmediate(function spin() { const end = Date.now() + 50;" +
    ' while (Date.now() < end) {} setImmediate(spin) })'
  const children: ChildProcess[] = []
  for (let i = 0; i < processes; i++) {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'ignore'] })
    children.push(child)
  }
  await Promise.all(children.map((c) => once(c.stdout!, 'data')))
  let stopped: Promise<void> | undefined
  return {
    pids: children.map((c) => c.pid!),
    stop() {
      stopped ??= Promise.all(
        children.map(async (c) => {
          if (c.exitCode !== null || c.signalCode !== null) return
          const exited = once(c, 'exit')
          c.kill('SIGKILL')
          await exited
        }),
      ).then(() => {})
      return stopped
    },
  }
}
