/**
 * How the load generator's idle core waits, and switching it for a run.
 *
 * The server and its load generator share one VM here. When wrk has read every response it sleeps in
 * `epoll_wait`, its core goes idle, and the next response the server writes must wake it: the server's core sends
 * an inter-processor interrupt, which in a VM is an exit to the hypervisor — charged to the *server*, inside its
 * `writev` (`_raw_spin_unlock_irqrestore` under `sock_def_readable` in a perf profile). This VM's kernel idles with
 * `haltpoll.guest_halt_poll_ns=0` (its command line): an idle core halts at once, so every such wake-up is an
 * exit. The slower the server, the more often wrk has caught up and gone to sleep, so the cost grows faster than
 * the server's own work (docs/performance.md). A server answering remote clients pays none of it.
 *
 * With `poll`, the guest's halt-poll window is set to 200 µs for the run (the cpuidle-haltpoll driver then spins
 * that long before halting, and a wake-up inside the window needs no interrupt) and restored afterwards. It needs
 * root and the haltpoll driver; without them the run stays as it is and the report says so.
 */
import { readFileSync, writeFileSync } from 'node:fs'

const PARAMETER = '/sys/module/haltpoll/parameters/guest_halt_poll_ns'

/** What a run used: the requested policy and the halt-poll window in effect (ns; `null` without the driver). */
export interface ClientIdleSettings {
  readonly requested: 'poll' | 'halt' | 'as-is'
  readonly guestHaltPollNs: number | null
}

/** A policy applied for a run: what it used (recorded in the results) and how to undo it. */
export interface ClientIdle {
  readonly settings: ClientIdleSettings
  /** Puts the previous window back (no-op when nothing was changed). */
  restore(): void
}

function read(): number | null {
  try {
    return Number(readFileSync(PARAMETER, 'utf8').trim())
  } catch {
    return null
  }
}

/**
 * Applies an idle policy to the VM for a benchmark run. `as-is` (default in the runners) changes nothing; `poll`
 * sets a 200 µs halt-poll window, `halt` sets 0. A window that cannot be written is reported as found.
 *
 * @example
 * const idle = applyClientIdle('poll')
 * try { … } finally { idle.restore() }
 * console.log(idle.settings.guestHaltPollNs) // 200000, or what the machine had when it could not be changed
 */
export function applyClientIdle(requested: 'poll' | 'halt' | 'as-is'): ClientIdle {
  const before = read()
  let changed = false
  if (requested !== 'as-is' && before !== null) {
    try {
      writeFileSync(PARAMETER, requested === 'poll' ? '200000' : '0')
      changed = true
    } catch {
      // Not root: the run goes on with the machine's setting, which the report records.
    }
  }
  const restore = () => {
    if (!changed) return
    try {
      writeFileSync(PARAMETER, String(before))
    } catch {
      // It was writable a moment ago; nothing more to do.
    }
    changed = false
  }
  if (changed) process.once('exit', restore)
  return { settings: { requested, guestHaltPollNs: read() }, restore }
}

/**
 * The results header's phrase for a run's settings (`undefined`: a results file from before the option).
 *
 * @example
 * describeClientIdle({ requested: 'poll', guestHaltPollNs: 200000 })
 * // 'guest halt-poll window 200000 ns (`--client-idle=poll`, bench/clientIdle.ts)'
 */
export function describeClientIdle(settings: ClientIdleSettings | undefined): string {
  const ns = settings?.guestHaltPollNs
  const window = ns == null ? 'n/a (no haltpoll driver)' : `${ns} ns`
  return `guest halt-poll window ${window} (\`--client-idle=${settings?.requested ?? 'as-is'}\`, bench/clientIdle.ts)`
}

/** The `--client-idle=` argument of a runner, checked. */
export function clientIdleArg(value: string | undefined): 'poll' | 'halt' | 'as-is' {
  const v = value ?? 'as-is'
  if (v !== 'poll' && v !== 'halt' && v !== 'as-is') {
    throw new Error(`--client-idle must be poll, halt or as-is, got ${v}`)
  }
  return v
}
