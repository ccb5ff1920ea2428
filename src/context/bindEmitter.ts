import type { EventEmitter } from 'node:events'
import type { Context, ContextManager } from '@opentelemetry/api'

const ADD_METHODS = ['addListener', 'on', 'once', 'prependListener', 'prependOnceListener'] as const
const REMOVE_METHODS = ['removeListener', 'off'] as const
type Listener = (...args: unknown[]) => unknown
/** Per emitter: event name → the app's listener → the bound listener that was really added. */
type ListenerMap = Map<string | symbol, WeakMap<Listener, Listener>>

const BOUND = Symbol('lookout.boundListeners')
// `once` adds through `on` (with its own wrapper): listeners added while another add runs are not bound again,
// or `removeListener` would no longer recognise the once-wrapper.
let adding = false

/**
 * Makes every listener added to `emitter` from now on run in `context` (whatever context it is emitted from):
 * the add methods bind each listener through `manager`, and the remove methods map the app's listener to the
 * bound one, so `off(event, listener)` still removes it. Binding an emitter twice keeps the first context.
 *
 * @example
 * bindEmitter(manager, context.active(), req) // 'data'/'end' listeners run in the request's context
 */
export function bindEmitter<T extends EventEmitter>(
  manager: ContextManager,
  context: Context,
  emitter: T,
): T {
  const target = emitter as unknown as Record<PropertyKey, unknown>
  if (target[BOUND] !== undefined) return emitter
  target[BOUND] = new Map() as ListenerMap
  for (const name of ADD_METHODS) {
    const original = target[name]
    if (typeof original !== 'function') continue
    target[name] = function addBound(this: unknown, event: string | symbol, listener: Listener) {
      if (adding) return original.call(this, event, listener)
      const map = target[BOUND] as ListenerMap
      let listeners = map.get(event)
      if (listeners === undefined) {
        listeners = new WeakMap()
        map.set(event, listeners)
      }
      const bound = manager.bind(context, listener)
      listeners.set(listener, bound)
      adding = true
      try {
        return original.call(this, event, bound)
      } finally {
        adding = false
      }
    }
  }
  for (const name of REMOVE_METHODS) {
    const original = target[name]
    if (typeof original !== 'function') continue
    target[name] = function removeBound(this: unknown, event: string | symbol, listener: Listener) {
      const bound = (target[BOUND] as ListenerMap).get(event)?.get(listener)
      return original.call(this, event, bound ?? listener)
    }
  }
  const removeAll = target.removeAllListeners
  if (typeof removeAll === 'function') {
    target.removeAllListeners = function removeAllBound(this: unknown, ...args: unknown[]) {
      const map = target[BOUND] as ListenerMap
      if (args.length === 0) map.clear()
      else map.delete(args[0] as string | symbol)
      return removeAll.apply(this, args)
    }
  }
  return emitter
}
