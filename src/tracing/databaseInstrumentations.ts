import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Span, SpanOptions, Tracer, TracerProvider } from '@opentelemetry/api'
import type { Instrumentation } from '@opentelemetry/instrumentation'
import { maskSqlLiterals } from './maskSqlLiterals.ts'
import { requireParentTracerProvider } from './requireParentTracerProvider.ts'
import { sqlOperationName } from './sqlOperationName.ts'

const require = createRequire(import.meta.url)

/** One database driver Lookout traces through its official OpenTelemetry instrumentation. */
export interface DatabaseInstrumentation {
  /** Package names of the driver; the instrumentation loads when any of them resolves. */
  readonly drivers: readonly string[]
  /** The instrumentation package and its exported class. */
  readonly instrumentation: string
  readonly exported: string
  /** Instrumentation settings: spans only under a parent, statements without literal values. */
  readonly config: Readonly<Record<string, unknown>>
  /** The instrumentation has no `requireParentSpan` option: its tracer provider enforces it. */
  readonly parentByProvider?: boolean
  /**
   * The instrumentation sets no `db.operation.name` and has no hook before its span starts: its tracer provider
   * adds the operation of the `db.query.text` the span starts with.
   */
  readonly operationByProvider?: boolean
}

const DB_OPERATION_NAME = 'db.operation.name'
const DB_QUERY_TEXT = 'db.query.text'

/** The instrumentation-pg `requestHook`: the operation of the statement, which the pg span otherwise lacks. */
function pgOperationName(span: Span, info: { query: { text?: unknown } }): void {
  const text = info.query.text
  const operation = typeof text === 'string' ? sqlOperationName(text, 'postgresql') : undefined
  if (operation !== undefined) span.setAttribute(DB_OPERATION_NAME, operation)
}

/** `options` with `db.operation.name` taken from its `db.query.text`, when it has the one and not the other. */
function withOperationName(options: SpanOptions | undefined): SpanOptions | undefined {
  const attributes = options?.attributes
  const text = attributes?.[DB_QUERY_TEXT]
  if (typeof text !== 'string' || attributes?.[DB_OPERATION_NAME] !== undefined) return options
  const operation = sqlOperationName(text, 'mysql')
  return operation === undefined
    ? options
    : { ...options, attributes: { ...attributes, [DB_OPERATION_NAME]: operation } }
}

/** A tracer provider whose tracers give every SQL span the operation of its MySQL statement (see {@link sqlOperationName}). */
function sqlOperationTracerProvider(provider: TracerProvider): TracerProvider {
  return {
    getTracer(name, version, options) {
      const tracer = provider.getTracer(name, version, options)
      const startActiveSpan = (spanName: string, ...rest: unknown[]): unknown => {
        if (rest.length >= 2) rest[0] = withOperationName(rest[0] as SpanOptions | undefined)
        return (tracer.startActiveSpan as (name: string, ...args: unknown[]) => unknown)(spanName, ...rest)
      }
      return {
        startSpan: (spanName, spanOptions, ctx) =>
          tracer.startSpan(spanName, withOperationName(spanOptions), ctx),
        startActiveSpan,
      } as Tracer
    },
  }
}

/**
 * The database drivers `lookout/register` traces. `pg` sends parameterised statements (`$1`) and the official
 * instrumentation records no values; `mysql2` would format the values into `db.query.text`, so its statements are
 * masked (`maskSqlLiterals`); `mongodb` replaces every value of a command with `?` unless
 * `enhancedDatabaseReporting` is on (it is not). `pg` and `mysql2` spans get `db.operation.name` from their
 * statement (`SELECT`), which neither instrumentation sets on the span.
 */
export const DATABASE_INSTRUMENTATIONS: readonly DatabaseInstrumentation[] = Object.freeze([
  {
    drivers: ['pg'],
    instrumentation: '@opentelemetry/instrumentation-pg',
    exported: 'PgInstrumentation',
    config: { requireParentSpan: true, requestHook: pgOperationName },
  },
  {
    drivers: ['ioredis'],
    instrumentation: '@opentelemetry/instrumentation-ioredis',
    exported: 'IORedisInstrumentation',
    config: { requireParentSpan: true },
  },
  {
    drivers: ['redis', '@redis/client'],
    instrumentation: '@opentelemetry/instrumentation-redis',
    exported: 'RedisInstrumentation',
    config: { requireParentSpan: true },
  },
  {
    drivers: ['mysql2'],
    instrumentation: '@opentelemetry/instrumentation-mysql2',
    exported: 'MySQL2Instrumentation',
    config: { maskStatement: true, maskStatementHook: maskSqlLiterals },
    parentByProvider: true,
    operationByProvider: true,
  },
  {
    drivers: ['mongodb'],
    instrumentation: '@opentelemetry/instrumentation-mongodb',
    exported: 'MongoDBInstrumentation',
    config: { requireParentSpan: true, enhancedDatabaseReporting: false },
  },
])

/**
 * Whether `pkg` resolves from the app's directory (the entry script's, else `cwd`) or, failing that, from
 * Lookout's own place in `node_modules`. Resolution only looks at the file system; nothing is loaded.
 */
export function driverInstalled(pkg: string, appDir: string): boolean {
  for (const from of [createRequire(join(appDir, 'noop.js')), require]) {
    for (const request of [`${pkg}/package.json`, pkg]) {
      try {
        from.resolve(request)
        return true
      } catch {
        // not from here (or its exports hide package.json): try the next way
      }
    }
  }
  return false
}

/** The directory the app resolves its packages from: its entry script's, else the working directory. */
export function appDirectory(argv: readonly string[], cwd: string): string {
  const entry = argv[1]
  return entry !== undefined && entry !== '' && !entry.startsWith('-') ? dirname(entry) : cwd
}

/**
 * Creates the instrumentation of every installed driver in {@link DATABASE_INSTRUMENTATIONS} (an absent driver
 * costs one failed resolution; its instrumentation package is never loaded, nor is an absent instrumentation
 * package an error). Call `finish(provider)` after `registerInstrumentations` so instrumentations without a
 * parent-span option get a provider that enforces it (and those that set no `db.operation.name`, one that adds it).
 *
 * @example
 * const db = createDatabaseInstrumentations(appDirectory(process.argv, process.cwd()))
 * registerInstrumentations({ instrumentations: db.instrumentations, tracerProvider })
 * db.finish(tracerProvider)
 */
export function createDatabaseInstrumentations(appDir: string): {
  readonly instrumentations: Instrumentation[]
  /** Driver packages found, in table order. */
  readonly drivers: string[]
  finish(provider: TracerProvider): void
} {
  const instrumentations: Instrumentation[] = []
  const drivers: string[] = []
  const wrapped: { instrumentation: Instrumentation; entry: DatabaseInstrumentation }[] = []
  for (const entry of DATABASE_INSTRUMENTATIONS) {
    const found = entry.drivers.find((d) => driverInstalled(d, appDir))
    if (found === undefined) continue
    try {
      const mod = require(entry.instrumentation) as Record<string, new (config?: object) => Instrumentation>
      const Ctor = mod[entry.exported]
      if (Ctor === undefined) continue
      const instrumentation = new Ctor({ ...entry.config })
      instrumentations.push(instrumentation)
      drivers.push(found)
      if (entry.parentByProvider === true || entry.operationByProvider === true)
        wrapped.push({ instrumentation, entry })
    } catch {
      // The instrumentation package is not installed (optional ones such as redis): that driver is not traced.
    }
  }
  return {
    instrumentations,
    drivers,
    finish(provider) {
      const guarded = requireParentTracerProvider(provider)
      for (const { instrumentation, entry } of wrapped) {
        const parented = entry.parentByProvider === true ? guarded : provider
        instrumentation.setTracerProvider(
          entry.operationByProvider === true ? sqlOperationTracerProvider(parented) : parented,
        )
      }
    },
  }
}
