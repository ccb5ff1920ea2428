import { lazyRequire } from './lazyRequire.ts'

const nodeSqlite = lazyRequire<typeof import('node:sqlite')>('node:sqlite')

/**
 * Node's built-in `node:sqlite`, loaded without the warning Node 22 prints when it loads (`ExperimentalWarning:
 * SQLite is an experimental feature and might change at any time`, on every service's stderr although the
 * service did nothing experimental). Node 22 emits it through `process.emitWarning`, synchronously while the module
 * loads, so `process.emitWarning` is wrapped for the duration of that `require` only and put back in a `finally`.
 * The wrapper drops one warning — the first `ExperimentalWarning` whose message mentions SQLite — and passes every
 * other warning (other ExperimentalWarnings included) to the real `process.emitWarning`, so `'warning'`
 * listeners, `--no-warnings` and stderr behave as before. Node 24 and later load it without a warning; once loaded,
 * the module is served from {@link lazyRequire}'s cache and Node does not warn again.
 *
 * @returns the `node:sqlite` module; throws what `require('node:sqlite')` throws
 * @example
 * const { DatabaseSync } = requireNodeSqlite()
 * const db = new DatabaseSync(':memory:')
 */
export function requireNodeSqlite(): typeof import('node:sqlite') {
  const emitWarning = process.emitWarning
  let dropped = false
  const filtered = function (this: unknown, ...args: unknown[]): void {
    if (!dropped && isSqliteExperimentalWarning(args[0], args[1])) dropped = true
    else Reflect.apply(emitWarning, this, args)
  } as typeof process.emitWarning
  let wrapped = false
  try {
    process.emitWarning = filtered
    wrapped = true
  } catch {
    // process.emitWarning cannot be replaced here: load the module as is.
  }
  try {
    return nodeSqlite()
  } finally {
    if (wrapped && process.emitWarning === filtered) process.emitWarning = emitWarning
  }
}

/** `process.emitWarning(warning, typeOrOptions)` is the SQLite ExperimentalWarning; false on anything unexpected. */
function isSqliteExperimentalWarning(warning: unknown, typeOrOptions: unknown): boolean {
  try {
    const error = warning instanceof Error
    const type = error
      ? warning.name
      : typeof typeOrOptions === 'string'
        ? typeOrOptions
        : typeof typeOrOptions === 'object' && typeOrOptions !== null
          ? (typeOrOptions as { type?: unknown }).type
          : undefined
    const message = error ? warning.message : warning
    return type === 'ExperimentalWarning' && typeof message === 'string' && message.includes('SQLite')
  } catch {
    return false
  }
}
