/** One kept log line: the redacted JSON text as written, and the fields the filters read. */
export interface ConsoleLogLine {
  /** Increasing per buffer; a client resumes the tail after the last one it saw. */
  readonly seq: number
  readonly time: string | undefined
  readonly level: string | undefined
  readonly msg: string | undefined
  readonly traceId: string | undefined
  readonly requestId: string | undefined
  readonly tenant: string | undefined
  readonly route: string | undefined
  /** The whole line, parsed (already redacted by the logger). */
  readonly fields: Readonly<Record<string, unknown>>
  readonly bytes: number
}

/** Filters of {@link LogBuffer.list}; every one optional. */
export interface LogFilter {
  /** This level and above (pino names: trace, debug, info, warn, error, fatal). */
  readonly level?: string | undefined
  readonly route?: string | undefined
  readonly tenant?: string | undefined
  readonly traceId?: string | undefined
  readonly requestId?: string | undefined
  /** Case-insensitive substring of the line's JSON. */
  readonly text?: string | undefined
  /** Only lines after this sequence number. */
  readonly after?: number | undefined
  readonly limit: number
}

/** Bounds of a {@link LogBuffer}. */
export interface LogBufferOptions {
  readonly maxLines: number
  readonly maxBytes: number
  readonly onDrop: (count: number) => void
}

/** The recent log lines of this process, bounded by lines and bytes, with listeners for the live tail. */
export interface LogBuffer {
  /** Adds one line as the logger wrote it (a JSON object per line; other text is kept as `msg`). Never throws. */
  add(line: string): void
  /** Oldest first, the newest `limit` of the matching lines. */
  list(filter: LogFilter): ConsoleLogLine[]
  /** Calls `fn` for each line added from now on; returns the unsubscribe function. */
  subscribe(fn: (line: ConsoleLogLine) => void): () => void
  readonly size: number
  readonly bytes: number
}

/** pino's level names in order. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const

const PINO_NUMERIC: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
}
const str = (v: unknown) => (typeof v === 'string' ? v : undefined)

/** Whether a line matches a filter (shared by the list and the live tail). */
export function matchesLog(l: ConsoleLogLine, f: Omit<LogFilter, 'limit'>): boolean {
  if (f.after !== undefined && l.seq <= f.after) return false
  if (f.level !== undefined) {
    const at = LOG_LEVELS.indexOf(l.level as (typeof LOG_LEVELS)[number])
    if (at < LOG_LEVELS.indexOf(f.level as (typeof LOG_LEVELS)[number])) return false
  }
  if (f.route !== undefined && l.route !== f.route) return false
  if (f.tenant !== undefined && l.tenant !== f.tenant) return false
  if (f.traceId !== undefined && l.traceId !== f.traceId) return false
  if (f.requestId !== undefined && l.requestId !== f.requestId) return false
  if (f.text !== undefined && !JSON.stringify(l.fields).toLowerCase().includes(f.text.toLowerCase()))
    return false
  return true
}

/**
 * Creates the console's log buffer: a ring of the logger's lines (already redacted), evicting the oldest when
 * either bound is passed and counting each eviction.
 *
 * @example
 * const logs = createLogBuffer({ maxLines: 5000, maxBytes: 4 << 20, onDrop })
 * logs.add('{"level":"info","msg":"started"}\n')
 */
export function createLogBuffer(options: LogBufferOptions): LogBuffer {
  const lines: ConsoleLogLine[] = []
  let head = 0
  let bytes = 0
  let seq = 0
  const listeners = new Set<(line: ConsoleLogLine) => void>()

  return {
    add(text) {
      try {
        let fields: Record<string, unknown>
        try {
          const parsed: unknown = JSON.parse(text)
          fields =
            parsed !== null && typeof parsed === 'object'
              ? (parsed as Record<string, unknown>)
              : { msg: text.trim() }
        } catch {
          fields = { msg: text.trim() }
        }
        const level = typeof fields.level === 'number' ? PINO_NUMERIC[fields.level] : str(fields.level)
        const line: ConsoleLogLine = {
          seq: ++seq,
          time: str(fields.time),
          level,
          msg: str(fields.msg),
          traceId: str(fields.trace_id),
          requestId: str(fields.request_id),
          tenant: str(fields.tenant_id),
          route: str(fields.route) ?? str(fields.http_route),
          fields,
          bytes: text.length,
        }
        lines.push(line)
        bytes += line.bytes
        let dropped = 0
        while (
          lines.length - head > options.maxLines ||
          (bytes > options.maxBytes && lines.length - head > 1)
        ) {
          bytes -= lines[head]!.bytes
          lines[head] = undefined as unknown as ConsoleLogLine
          head++
          dropped++
        }
        // Compact the array once the evicted prefix is as long as the kept part.
        if (head > 0 && head >= lines.length - head) {
          lines.splice(0, head)
          head = 0
        }
        if (dropped > 0) options.onDrop(dropped)
        for (const fn of listeners) fn(line)
      } catch {
        // The console never breaks logging.
      }
    },
    list(f) {
      const out: ConsoleLogLine[] = []
      for (let i = lines.length - 1; i >= head && out.length < f.limit; i--) {
        const l = lines[i]!
        if (matchesLog(l, f)) out.push(l)
      }
      return out.reverse()
    },
    subscribe(fn) {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    get size() {
      return lines.length - head
    },
    get bytes() {
      return bytes
    },
  }
}
