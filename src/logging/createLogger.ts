import pino, { type Logger } from 'pino'
import type { ResolvedConfig } from '../config/schema.ts'
import { currentLogFields } from '../context/getContext.ts'
import { createRedactor, type Redactor } from '../redact/createRedactor.ts'
import { lazyRequire } from '../util/lazyRequire.ts'
import { isoTimestamp } from './isoTimestamp.ts'
import { jsonString } from './jsonString.ts'
import { createLineDestination, type LineDestination } from './lineDestination.ts'
import { lowerLevel } from './logLevels.ts'
import { PRE_REDACTED } from './preRedacted.ts'
import { resolveOtlpLogSettings } from './resolveOtlpLogSettings.ts'

// Loaded when logs are pretty-printed (development on a terminal), not when Lookout is imported (see lazyRequire).
const pinoPretty = lazyRequire<typeof import('pino-pretty')>('pino-pretty')

/** The logger type used across Lookout (pino). */
export type LookoutLogger = Logger

/** What the logging area needs from a logger made by {@link createLogger}. */
export interface LoggerInternals {
  readonly redactor: Redactor
  /**
   * The fan-out stream (only when Loki or OTLP log export is configured): stdout first; the Loki transport and
   * the OTLP log exporter are added at start.
   */
  readonly multistream: pino.MultiStreamRes | undefined
  /** Level of the primary (stdout) stream. */
  readonly primaryLevel: string
  /** Lines go to stdout (JSON or pretty), not to a destination passed to {@link createLogger}. */
  readonly writesStdout: boolean
  /** The stdout stream, when Lookout made it (not with a supplied destination or pretty output). */
  readonly lineDestination: LineDestination | undefined
  /**
   * Sets the function every written line (redacted JSON) is also handed to — the console's log buffer. Present
   * only when `console.enabled`: otherwise the logger has no write hook at all.
   */
  readonly setLineTap: ((tap: (line: string) => void) => void) | undefined
  /**
   * Writes one line whose fields are already redacted and serialised (`,"key":value` pairs, in order), exactly as
   * the logger would write them: level, time and the base bindings first, then `fields`, then the (redacted)
   * message. A line below the logger's level is not written. The request log builds its line this way: a generic
   * log call costs it a field walk, a serialiser look-up per key and a merge with the context.
   */
  readonly writeSerialized: (level: 'info' | 'warn' | 'error', fields: string, msg: string) => void
}

const { lsCacheSym, timeSym, timeSliceIndexSym, chindingsSym, endSym, streamSym, needsMetadataGsym } =
  pino.symbols

const internals = new WeakMap<object, LoggerInternals>()

/** The internals of a logger made by {@link createLogger}; `undefined` for a logger supplied by the host. */
export function loggerInternals(logger: object): LoggerInternals | undefined {
  return internals.get(logger)
}

const NO_FIELDS: Record<string, unknown> = Object.freeze({})

/** Options of {@link createLogger} beyond the config. */
export interface CreateLoggerOptions {
  /** The redactor to route every line through. Default: a new one from `config.redact`. */
  readonly redactor?: Redactor
}

/**
 * The base logger of one Lookout instance (pino).
 *
 * - JSON lines (or pino-pretty when `logging.format` resolves to pretty) with an ISO 8601 UTC `time`, the level
 *   name, `service`, `version`, `environment` and `hostname`;
 * - a mixin adds the request context (`request_id`, `tenant_id`, `user_id`, `trace_id`, `span_id`, app
 *   bindings);
 * - every logged object, child binding and message goes through the shared redactor (keys and value patterns);
 *   lines built pre-redacted (the request log) skip the walk.
 *
 * @param destination where lines go instead of stdout (tests, `lookout/testing` log capture)
 * @example
 * const logger = createLogger(config)
 * logger.info({ event: 'startup' }, 'started')
 */
export function createLogger(
  config: ResolvedConfig,
  destination?: pino.DestinationStream,
  options: CreateLoggerOptions = {},
): LookoutLogger {
  const logging = config.logging
  const redactor = options.redactor ?? createRedactor(config.redact)
  const pretty =
    destination === undefined &&
    (logging.format === 'pretty' ||
      (logging.format === 'auto' && config.environment === 'development' && process.stdout.isTTY === true))
  const lineDestination = destination === undefined && !pretty ? createLineDestination() : undefined
  const primary =
    destination ??
    lineDestination ??
    pinoPretty()({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true })
  const loki = logging.loki.url !== undefined && logging.loki.minLevel !== 'silent'
  const otlp = resolveOtlpLogSettings(config)
  // The fan-out stream exists only when lines are shipped (Loki, OTLP): multistream costs time on every line.
  const multistream =
    loki || otlp !== undefined
      ? pino.multistream([{ level: logging.level as pino.Level, stream: primary }])
      : undefined
  // Messages are mostly constant strings: memoise their redaction (bounded; a Map hit on an internalised
  // literal is ~20 ns against ~300 ns for the pattern pre-checks).
  const msgMemo = new Map<string, string>()
  const redactMessage = (msg: string): string => {
    if (msg.length > 256) return redactor.redactString(msg)
    let out = msgMemo.get(msg)
    if (out === undefined) {
      out = redactor.redactString(msg)
      if (msgMemo.size >= 1024) msgMemo.clear()
      msgMemo.set(msg, out)
    }
    return out
  }
  let level: string = logging.level
  if (loki) level = lowerLevel(level, logging.loki.minLevel)
  if (otlp !== undefined) level = lowerLevel(level, otlp.minLevel)
  // The console tees lines only when it is on: no hook, no per-line cost otherwise.
  let tap: ((line: string) => void) | undefined
  const hooks = config.console.enabled
    ? {
        streamWrite(line: string) {
          tap?.(line)
          return line
        },
      }
    : undefined

  const logger = pino(
    {
      level,
      base: {
        service: config.service,
        version: config.version,
        environment: config.environment,
        hostname: config.instance,
      },
      timestamp: isoTimestamp,
      ...(hooks === undefined ? {} : { hooks }),
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redactor.redactShared(bindings) as Record<string, unknown>,
      },
      serializers: {
        // Errors were already turned into redacted `{type, message, stack}` objects by the merge step; pino's
        // default err serializer would rename their type to "Object".
        err: (err: unknown) => (err instanceof Error ? redactor.redact(err) : err),
        // The message (also when pino takes it from `err.message`) is redacted like any value.
        msg: (msg: unknown) => (typeof msg === 'string' ? redactMessage(msg) : redactor.redactShared(msg)),
      },
      // Pre-redacted lines (the request log) carry their context fields already: no context object is built for them.
      mixin: (obj) =>
        (obj as Record<symbol, unknown>)[PRE_REDACTED] === true ? NO_FIELDS : currentLogFields(),
      // The logged object is redacted here (copy-on-write: unchanged objects are not copied); the context fields
      // were redacted once when bound. Lines marked PRE_REDACTED skip the walk.
      mixinMergeStrategy(obj, context) {
        const o = obj as Record<string | symbol, unknown>
        if (o[PRE_REDACTED] === true) {
          // Lookout's own pre-redacted lines (the request log) are fresh objects it owns: add the few context
          // fields to the line instead of copying the line's ~15 fields into the context.
          // The line's own fields win, as in the general path.
          const ctx = context as Record<string, unknown>
          for (const key in ctx) if (!(key in o)) o[key] = ctx[key]
          return o
        }
        const safe = redactor.redactShared(o) as Record<string, unknown>
        const target = context as Record<string, unknown>
        if (safe === null || typeof safe !== 'object') target.redaction_failed = true
        else for (const key in safe) target[key] = safe[key]
        return target
      },
    },
    multistream ?? primary,
  )
  // pino does not run the bindings formatter for children, so `child()` is wrapped on the root; children are
  // created with Object.create(parent) and inherit it. Bindings are redacted once, when the child is made.
  const child = logger.child
  logger.child = function redactedChild(this: Logger, bindings, childOptions) {
    return child.call(this, redactor.redactShared(bindings) as pino.Bindings, childOptions)
  } as Logger['child']
  const raw = logger as unknown as Record<symbol, unknown>
  const levelValues = logger.levels.values
  // The line's start (level, time, base bindings) is the same for every line of a millisecond: built once per
  // level and millisecond.
  let prefixTime = ''
  let prefixBindings: unknown
  const prefixes = new Map<number, string>()
  // The line's end (message and closing) for the few constant messages of serialised lines, built once each.
  const msgTails = new Map<string, string>()
  const writeSerialized = (level: 'info' | 'warn' | 'error', fields: string, msg: string): void => {
    const num = levelValues[level]!
    if (num < logger.levelVal) return
    const time = (raw[timeSym] as () => string)()
    const bindings = raw[chindingsSym]
    if (time !== prefixTime || bindings !== prefixBindings) {
      prefixTime = time
      prefixBindings = bindings
      prefixes.clear()
    }
    let prefix = prefixes.get(num)
    if (prefix === undefined) {
      prefix = `${(raw[lsCacheSym] as Record<number, string>)[num]}${time}${bindings as string}`
      prefixes.set(num, prefix)
    }
    let tail = msg.length > 256 ? undefined : msgTails.get(msg)
    if (tail === undefined) {
      tail = `,"msg":${jsonString(redactMessage(msg))}${raw[endSym] as string}`
      if (msg.length <= 256) {
        if (msgTails.size >= 64) msgTails.clear()
        msgTails.set(msg, tail)
      }
    }
    const line = `${prefix}${fields}${tail}`
    const stream = raw[streamSym] as pino.DestinationStream & Record<string | symbol, unknown>
    // A multistream picks its streams by the level it is told (pino does the same before each write).
    if (stream[needsMetadataGsym] === true) {
      stream.lastLevel = num
      stream.lastObj = {}
      stream.lastMsg = msg
      stream.lastTime = time.slice(raw[timeSliceIndexSym] as number)
      stream.lastLogger = logger
    }
    stream.write(hooks === undefined ? line : hooks.streamWrite(line))
  }
  internals.set(logger, {
    writeSerialized,
    redactor,
    multistream,
    primaryLevel: logging.level,
    writesStdout: destination === undefined,
    lineDestination,
    setLineTap:
      hooks === undefined
        ? undefined
        : (fn) => {
            tap = fn
          },
  })
  return logger
}
