/** What a lazy request logger holds: how to make the logger, its argument, and the logger once made. */
interface LazyTarget<L extends object> {
  readonly make: (key: unknown) => L
  readonly key: unknown
  logger: L | undefined
  /** The logger's methods bound to it, by method, made on first read. */
  methods: Map<unknown, unknown> | undefined
}

const handler: ProxyHandler<LazyTarget<object>> = {
  get(t, prop) {
    const logger = resolve(t)
    const value = Reflect.get(logger, prop, logger)
    if (typeof value !== 'function') return value
    t.methods ??= new Map()
    let bound = t.methods.get(value)
    if (bound === undefined) {
      bound = value.bind(logger)
      t.methods.set(value, bound)
    }
    return bound
  },
  set: (t, prop, value) => Reflect.set(resolve(t), prop, value),
  has: (t, prop) => Reflect.has(resolve(t), prop),
  getPrototypeOf: (t) => Reflect.getPrototypeOf(resolve(t)),
}

function resolve<L extends object>(t: LazyTarget<L>): L {
  if (t.logger === undefined) t.logger = t.make(t.key)
  return t.logger
}

/**
 * A logger made the first time it is used: `make(key)` runs then, once. A request's own child logger costs a pino
 * child (bindings redacted and serialised) that most requests never write through, so it is made on demand. Reads
 * and writes go to the made logger, and its methods run with `this` bound to it (so `child()` derives from it).
 *
 * @example
 * request.log = lazyRequestLogger((req) => logger.child({ request_id: req.requestId }), req)
 */
export function lazyRequestLogger<K, L extends object>(make: (key: K) => L, key: K): L {
  const target: LazyTarget<L> = {
    make: make as (key: unknown) => L,
    key,
    logger: undefined,
    methods: undefined,
  }
  return new Proxy(target, handler as unknown as ProxyHandler<LazyTarget<L>>) as unknown as L
}
