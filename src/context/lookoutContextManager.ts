import { EventEmitter } from 'node:events'
import { type Context, type ContextManager, ROOT_CONTEXT } from '@opentelemetry/api'
import { bindEmitter } from './bindEmitter.ts'
import { contextStorage, OtelScope } from './requestContext.ts'

/**
 * OpenTelemetry's context manager backed by Lookout's own AsyncLocalStorage, so a request enters one async
 * context for both: `context.active()` reads the OpenTelemetry context of the current scope (a request's store
 * carries its server span's), and `context.with()` enters a scope holding the new context over the same request
 * store (fields bound inside it stay with the request). Outside any request it works like OpenTelemetry's
 * AsyncLocalStorage manager.
 *
 * `enabled` is true while it is OpenTelemetry's global manager (the API enables it on registration and disables
 * it when unregistered); the request context enters the server span's context itself only then.
 *
 * @example
 * context.setGlobalContextManager(lookoutContextManager.enable())
 */
export class LookoutContextManager implements ContextManager {
  /** Registered as OpenTelemetry's global context manager. Default `false`. */
  enabled = false

  active(): Context {
    return contextStorage.getStore()?.otel ?? ROOT_CONTEXT
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const scope = new OtelScope(contextStorage.getStore()?.store, context)
    const cb = thisArg == null ? fn : (fn.bind(thisArg) as F)
    return contextStorage.run(scope, cb, ...args)
  }

  bind<T>(context: Context, target: T): T {
    if (target instanceof EventEmitter) return bindEmitter(this, context, target)
    if (typeof target === 'function')
      return this.bindFunction(context, target as (...a: unknown[]) => unknown) as T
    return target
  }

  enable(): this {
    this.enabled = true
    return this
  }

  /** Leaves the AsyncLocalStorage running: Lookout's request context still uses it. */
  disable(): this {
    this.enabled = false
    return this
  }

  private bindFunction(context: Context, target: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
    const manager = this
    const bound = function (this: unknown, ...args: unknown[]) {
      return manager.with(context, target, this, ...args)
    }
    // Same arity as the target: some frameworks dispatch on a callback's `length`.
    Object.defineProperty(bound, 'length', { configurable: true, value: target.length })
    return bound
  }
}

/** The process's one Lookout context manager (its AsyncLocalStorage is process-wide too). */
export const lookoutContextManager = new LookoutContextManager()
