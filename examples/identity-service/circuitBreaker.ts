import type { CircuitState } from 'lookout'

/** Options of {@link createCircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  readonly failureThreshold?: number
  /** How long the circuit stays open before one trial call (ms). Default 5000. */
  readonly openMs?: number
  /** Reports every state change (the demo passes `lookout.circuitState`). */
  readonly onState?: (state: CircuitState) => void
  /** Clock (ms). Default `Date.now`. */
  readonly now?: () => number
}

/** A call refused because the circuit is open. */
export class CircuitOpenError extends Error {
  constructor(name: string) {
    super(`circuit ${name} is open`)
    this.name = 'CircuitOpenError'
  }
}

/**
 * A small consecutive-failure circuit breaker: closed → open after `failureThreshold` failures in a row →
 * half-open after `openMs` (one trial call) → closed on success, open again on failure.
 *
 * @example
 * const breaker = createCircuitBreaker('risk-engine', { onState: (s) => lookout.circuitState('risk-engine', s) })
 * const score = await breaker.run(() => riskEngine.score(email))
 */
export function createCircuitBreaker(name: string, options: CircuitBreakerOptions = {}) {
  const threshold = options.failureThreshold ?? 5
  const openMs = options.openMs ?? 5000
  const now = options.now ?? Date.now
  let state: CircuitState = 'closed'
  let failures = 0
  let openedAt = 0
  const set = (next: CircuitState) => {
    if (next === state) return
    state = next
    options.onState?.(next)
  }
  options.onState?.(state)
  return {
    get state(): CircuitState {
      return state
    },
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (state === 'open') {
        if (now() - openedAt < openMs) throw new CircuitOpenError(name)
        set('half_open')
      }
      try {
        const value = await fn()
        failures = 0
        set('closed')
        return value
      } catch (err) {
        failures++
        if (state === 'half_open' || failures >= threshold) {
          openedAt = now()
          set('open')
        }
        throw err
      }
    },
  }
}
