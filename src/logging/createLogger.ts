import pino, { type Logger } from 'pino'
import type { ResolvedConfig } from '../config/schema.ts'

/** The logger type used across Lookout (pino). */
export type LookoutLogger = Logger

/**
 * The base logger of one Lookout instance: JSON lines on stdout with ISO timestamps, level names, service,
 * environment, version and host.
 *
 * @example
 * const logger = createLogger(config)
 * logger.info({ event: 'startup' }, 'started')
 */
export function createLogger(config: ResolvedConfig, destination?: pino.DestinationStream): LookoutLogger {
  return pino(
    {
      level: 'info',
      base: {
        service: config.service,
        version: config.version,
        environment: config.environment,
        hostname: config.instance,
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  )
}
