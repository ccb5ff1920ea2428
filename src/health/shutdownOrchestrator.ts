import type { Server } from 'node:http'
import { performance } from 'node:perf_hooks'
import type { LookoutArea } from '../core/lookoutArea.ts'
import type { LifecycleCore } from '../http/lifecycleCore.ts'
import type { LookoutLogger } from '../logging/createLogger.ts'

/** Where an instance is in its life. Readiness fails from `stopping` on. */
export type LookoutPhase = 'created' | 'starting' | 'started' | 'stopping' | 'stopped'

/** A user shutdown hook (`lookout.onShutdown(fn)`): runs after telemetry is flushed, before `terminate`. */
export type ShutdownHook = () => void | Promise<void>

/** Timing and exit settings of the orchestrator (the `health.shutdown` config section). */
export interface ShutdownSettings {
  readonly drainDelayMs: number
  readonly inFlightTimeoutMs: number
  readonly graceMs: number
  readonly signals: readonly NodeJS.Signals[]
  /**
   * Called last with the exit code after every shutdown; `false`: never. Unset: a shutdown started by a signal
   * ends the process with its code (`exit`), other shutdowns leave the process to its event loop.
   */
  readonly terminate?: ((code: number) => void) | false | undefined
}

/** Options of {@link createShutdownOrchestrator}. */
export interface ShutdownOrchestratorOptions {
  readonly settings: ShutdownSettings
  readonly logger: LookoutLogger
  readonly core: Pick<LifecycleCore, 'inFlight' | 'idle'>
  /** The attached servers (live list: servers attached later are included). */
  readonly servers: readonly Server[]
  /** The areas, in registration order (live list); stopped in reverse. */
  readonly areas: readonly LookoutArea[]
  /** Where signal handlers go. Default `process`. */
  readonly signalTarget?: Pick<NodeJS.Process, 'on' | 'off'>
  /**
   * Ends the process when `terminate` is unset and a signal started the shutdown, and on a second signal. Default
   * `process.exit` when `signalTarget` is `process`, else nothing.
   */
  readonly exit?: (code: number) => void
}

/** The lifecycle of one Lookout instance: its phase, and the one graceful-shutdown sequence. */
export interface ShutdownOrchestrator {
  readonly phase: LookoutPhase
  /** Marks `lookout.start()` as begun / finished (the startup probe reads this). */
  markStarting(): void
  markStarted(): void
  /** Runs `fn` once start-up is done (at once if it already is). */
  onStarted(fn: () => void): void
  /** Adds a user hook. */
  onShutdown(hook: ShutdownHook): void
  /** Runs the shutdown sequence once; later calls return the same promise. Never rejects. */
  shutdown(reason?: string): Promise<void>
  /**
   * Installs SIGTERM/SIGINT handlers (idempotent). They stay while the shutdown runs — a second signal ends the
   * process at once with code 1 — and are removed when it is over.
   */
  handleSignals(): void
  /** Removes the signal handlers (idempotent). */
  removeSignalHandlers(): void
}

/**
 * Creates the graceful-shutdown orchestrator. On a signal or `shutdown()`:
 *
 * 1. readiness fails (phase `stopping`);
 * 2. drain delay — traffic keeps being served while load balancers notice (skipped when no attached server
 *    is listening any more, e.g. when Fastify's `app.close()` already closed it, and on SIGINT — Ctrl-C);
 * 3. stop accepting — `server.close()` on every attached server;
 * 4. wait for in-flight requests (bounded by `inFlightTimeoutMs`);
 * 5. close idle keep-alive sockets (and, after a bounded wait, any left);
 * 6. stop the areas in reverse registration order — flushing logs, spans, the alert outbox, the store;
 * 7. run the user hooks;
 * 8. `terminate(code)` (0 clean, 1 when a step failed or the grace timeout hit): the one given, or — after a
 *    shutdown a signal started, unless `terminate` is `false` — `exit(code)`, so a pool or timer the app still
 *    holds cannot keep the process alive until SIGKILL.
 *
 * The whole sequence is bounded by `graceMs`; every step is logged with its duration. A shutdown started by
 * `shutdown()` (not a signal) without `terminate` leaves the process to its event loop.
 *
 * @example
 * const orchestrator = createShutdownOrchestrator({ settings, logger, core, servers, areas })
 * orchestrator.handleSignals()
 * orchestrator.onShutdown(() => pool.end())
 */
export function createShutdownOrchestrator(options: ShutdownOrchestratorOptions): ShutdownOrchestrator {
  const { settings, logger, core, servers, areas } = options
  const target = options.signalTarget ?? process
  const exit =
    options.exit ?? (target === process ? (code: number) => process.exit(code) : (_code: number) => {})
  const hooks: ShutdownHook[] = []
  let startedListeners: (() => void)[] = []
  const handlers = new Map<NodeJS.Signals, () => void>()
  let phase: LookoutPhase = 'created'
  let running: Promise<void> | undefined
  /** A signal started (or joined) the shutdown: the default terminate applies, a further signal forces exit. */
  let signalled = false

  const logStep = (step: string, started: number, extra: Record<string, unknown> = {}) => {
    logger.info(
      { event: 'shutdown_step', step, durationMs: Math.round(performance.now() - started), ...extra },
      `shutdown: ${step}`,
    )
  }

  async function sequence(reason: string, deadline: number): Promise<number> {
    let code = 0
    const remaining = () => Math.max(0, deadline - performance.now())
    const begin = performance.now()
    logger.info(
      { event: 'shutdown_started', reason, inFlight: core.inFlight, graceMs: settings.graceMs },
      'shutdown started',
    )

    let t = performance.now()
    logStep('readiness_failing', t)

    t = performance.now()
    const listening = servers.filter((s) => s.listening)
    // SIGINT is a person at a terminal (Ctrl-C), not an orchestrator removing endpoints: no drain delay.
    if (listening.length > 0 && settings.drainDelayMs > 0 && reason !== 'SIGINT') {
      await delay(Math.min(settings.drainDelayMs, remaining()))
      logStep('drain_delay', t)
    } else {
      logStep('drain_delay', t, { skipped: true })
    }

    t = performance.now()
    const closed = servers.filter((s) => s.listening).map(closeServer)
    logStep('stop_accepting', t, { servers: closed.length })

    t = performance.now()
    if (core.inFlight > 0) {
      const drained = await within(core.idle(), Math.min(settings.inFlightTimeoutMs, remaining()))
      if (!drained) code = 1
      logStep('in_flight', t, { drained, left: core.inFlight })
    } else {
      logStep('in_flight', t, { drained: true, left: 0 })
    }

    t = performance.now()
    for (const s of servers) s.closeIdleConnections?.()
    if (closed.length > 0) {
      // Sockets still open here carry requests past the in-flight bound (or idle ones racing a last request):
      // give them a moment, then close them.
      const allClosed = await within(Promise.all(closed), Math.min(1000, remaining()))
      if (!allClosed) for (const s of servers) s.closeAllConnections?.()
    }
    logStep('close_connections', t)

    for (const area of [...areas].reverse()) {
      if (area.stop === undefined) continue
      t = performance.now()
      const outcome = await settle(() => area.stop!(), remaining())
      if (outcome !== 'done') code = 1
      if (outcome !== 'done' && outcome !== 'timeout') {
        logger.error(
          { event: 'area_stop_failed', area: area.name, err: outcome },
          'a Lookout area failed to stop',
        )
      }
      logStep('flush', t, { area: area.name, timedOut: outcome === 'timeout' })
    }

    for (const hook of hooks) {
      t = performance.now()
      const name = hook.name || 'anonymous'
      const outcome = await settle(hook, remaining())
      if (outcome !== 'done') code = 1
      if (outcome !== 'done' && outcome !== 'timeout') {
        logger.error({ event: 'shutdown_hook_failed', hook: name, err: outcome }, 'shutdown hook failed')
      }
      logStep('hook', t, { hook: name, timedOut: outcome === 'timeout' })
    }
    logger.info(
      { event: 'shutdown_complete', durationMs: Math.round(performance.now() - begin), code },
      'shutdown complete',
    )
    return code
  }

  /** The function that ends this shutdown: the configured `terminate`, else `exit` after a signal. */
  const terminator = (bySignal: boolean): ((code: number) => void) | undefined => {
    const configured = settings.terminate
    if (typeof configured === 'function') return configured
    return configured === undefined && bySignal ? exit : undefined
  }

  function run(reason: string): Promise<void> {
    phase = 'stopping'
    const deadline = performance.now() + settings.graceMs
    let graceTimer: NodeJS.Timeout | undefined
    // Deliberately not unref'd: while a shutdown runs, this timer keeps the process alive until the sequence
    // ends or the grace period is over — cleared as soon as the sequence settles.
    let graceExceeded = false
    const exceeded = () => {
      if (graceExceeded) return
      graceExceeded = true
      logger.error(
        { event: 'shutdown_grace_exceeded', graceMs: settings.graceMs, inFlight: core.inFlight },
        'shutdown did not finish within its grace period',
      )
      for (const s of servers) s.closeAllConnections?.()
    }
    const graceOver = new Promise<number>((resolve) => {
      graceTimer = setTimeout(() => {
        exceeded()
        resolve(1)
      }, settings.graceMs)
    })
    return Promise.race([sequence(reason, deadline).catch(() => 1), graceOver]).then((code) => {
      clearTimeout(graceTimer)
      // Steps are bounded by the remaining grace too, so the sequence may end right at the deadline.
      if (performance.now() >= deadline - 1) exceeded()
      phase = 'stopped'
      orchestrator.removeSignalHandlers()
      logger.flush?.()
      const terminate = terminator(signalled)
      if (terminate !== undefined) {
        try {
          terminate(code)
        } catch (err) {
          logger.error({ event: 'terminate_failed', err }, 'terminate threw')
        }
      }
    })
  }

  const orchestrator: ShutdownOrchestrator = {
    get phase() {
      return phase
    },
    markStarting() {
      if (phase === 'created') phase = 'starting'
    },
    markStarted() {
      if (phase !== 'created' && phase !== 'starting') return
      phase = 'started'
      const listeners = startedListeners
      startedListeners = []
      for (const fn of listeners) {
        try {
          fn()
        } catch (err) {
          logger.error({ event: 'started_listener_failed', err }, 'a start-up listener failed')
        }
      }
    },
    onStarted(fn) {
      if (phase === 'created' || phase === 'starting') startedListeners.push(fn)
      else if (phase === 'started') fn()
    },
    onShutdown(hook) {
      hooks.push(hook)
    },
    shutdown(reason = 'shutdown() called') {
      running ??= run(reason)
      return running
    },
    handleSignals() {
      if (handlers.size > 0 || phase === 'stopping' || phase === 'stopped') return
      for (const signal of settings.signals) {
        const handler = () => {
          if (signalled) {
            // A second signal while shutting down: someone wants out now.
            logger.warn({ event: 'shutdown_forced', signal }, `received ${signal} again: exiting now`)
            orchestrator.removeSignalHandlers()
            logger.flush?.()
            const configured = settings.terminate
            ;(typeof configured === 'function' ? configured : exit)(1)
            return
          }
          signalled = true
          logger.info({ event: 'shutdown_signal', signal }, `received ${signal}`)
          void orchestrator.shutdown(signal)
        }
        handlers.set(signal, handler)
        target.on(signal, handler)
      }
    },
    removeSignalHandlers() {
      for (const [signal, handler] of handlers) target.off(signal, handler)
      handlers.clear()
    },
  }
  return orchestrator
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Resolves `true` when `promise` settles within `ms`, `false` otherwise (the promise is left running). */
function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    promise.then(
      () => {
        clearTimeout(timer)
        resolve(true)
      },
      () => {
        clearTimeout(timer)
        resolve(true)
      },
    )
  })
}

/** Runs `fn` and waits at most `ms`: `'done'`, `'timeout'`, or what it threw / rejected with. */
async function settle(fn: () => unknown, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      Promise.resolve()
        .then(fn)
        .then(() => 'done'),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), ms)
      }),
    ])
  } catch (err) {
    return err ?? new Error('rejected')
  } finally {
    clearTimeout(timer)
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}
