import { Writable } from 'node:stream'
import { resolveConfig } from '../config/resolveConfig.ts'
import type { LookoutOptions } from '../config/schema.ts'
import { createLogger, type LookoutLogger } from '../logging/createLogger.ts'

/** A logger whose lines stay in memory, parsed. */
export interface LogCapture {
  /** Pass as `createLookout(options, { logger })` (or use directly). Redaction and context apply as usual. */
  readonly logger: LookoutLogger
  /** Every line written so far, parsed. */
  readonly lines: readonly Record<string, unknown>[]
  /** Every line as written (to assert that a secret appears nowhere). */
  readonly raw: readonly string[]
  /** Lines whose fields include all of `match`'s. */
  find(match: Record<string, unknown>): Record<string, unknown>[]
  clear(): void
}

/**
 * Log capture for tests: a Lookout logger (same format, redaction and context mixin as production) writing
 * synchronously into memory.
 *
 * @example
 * import { createLogCapture } from 'lookout/testing'
 * const logs = createLogCapture({ service: 'api' })
 * const lookout = createLookout({ service: 'api' }, { logger: logs.logger })
 * // … drive a request …
 * assert.equal(logs.find({ event: 'request', status: 500 }).length, 1)
 */
export function createLogCapture(options: LookoutOptions = {}, level = 'trace'): LogCapture {
  const lines: Record<string, unknown>[] = []
  const raw: string[] = []
  const take = (text: string) => {
    for (const line of text.split('\n')) {
      if (line === '') continue
      raw.push(line)
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>)
      } catch {
        lines.push({ msg: line })
      }
    }
  }
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      take(String(chunk))
      callback()
    },
  })
  // pino writes through `write(string)`; keep it synchronous so a line is visible as soon as it is logged.
  stream.write = ((chunk: string) => {
    take(String(chunk))
    return true
  }) as typeof stream.write
  const config = resolveConfig(
    { ...options, logging: { ...(options.logging ?? {}), format: 'json', level } } as LookoutOptions,
    {},
  )
  const logger = createLogger(config, stream)
  return {
    logger,
    lines,
    raw,
    find(match) {
      return lines.filter((l) => Object.entries(match).every(([k, v]) => l[k] === v))
    },
    clear() {
      lines.length = 0
      raw.length = 0
    },
  }
}
