import { z } from 'zod'
import type { EnvBinding } from '../envBinding.ts'

/**
 * The Lookout Console (`/observability/console`): recent traces, log lines and per-route RED series kept in
 * bounded in-process buffers, behind operator keys. Off unless configured; when off nothing is buffered and no
 * observer is added.
 *
 * @example
 * { console: { enabled: true, traces: { maxTraces: 500 } } }
 */
export const consoleSchema = z
  .object({
    /** Serve the console and fill its buffers. Default `false`. Env `LOOKOUT_CONSOLE_ENABLED`. */
    enabled: z.boolean().default(false),
    traces: z
      .object({
        /** Finished traces kept (oldest evicted first). Default 1000. Env `LOOKOUT_CONSOLE_MAX_TRACES`. */
        maxTraces: z.number().int().min(1).max(100_000).default(1000),
        /** Bytes of kept spans (their JSON size). Default 8 MiB. Env `LOOKOUT_CONSOLE_TRACE_BYTES`. */
        maxBytes: z.number().int().min(1024).max(1_073_741_824).default(8_388_608),
        /** Spans kept per trace; later ones are dropped and counted. Default 256. */
        maxSpansPerTrace: z.number().int().min(1).max(10_000).default(256),
      })
      .strict()
      .default({}),
    logs: z
      .object({
        /** Log lines kept. Default 5000. Env `LOOKOUT_CONSOLE_MAX_LOG_LINES`. */
        maxLines: z.number().int().min(1).max(1_000_000).default(5000),
        /** Bytes of kept log lines. Default 4 MiB. Env `LOOKOUT_CONSOLE_LOG_BYTES`. */
        maxBytes: z.number().int().min(1024).max(1_073_741_824).default(4_194_304),
        /** Live-tail (server-sent events) connections at once; more get 429. Default 16. */
        maxTailClients: z.number().int().min(1).max(1000).default(16),
      })
      .strict()
      .default({}),
    metrics: z
      .object({
        /** Route × tenant series kept; new ones beyond are dropped and counted. Default 200. */
        maxSeries: z.number().int().min(1).max(10_000).default(200),
        /** Seconds per point of the long series. Default 60. */
        stepSeconds: z.number().int().min(1).max(3600).default(60),
        /** Points kept per series (the long window is `stepSeconds × points`). Default 60 (one hour). */
        points: z.number().int().min(2).max(10_000).default(60),
        /** Seconds per point of the fine series (the last `finePoints` of them). Default 10. */
        fineStepSeconds: z.number().int().min(1).max(3600).default(10),
        /** Points kept per fine series. Default 30 (five minutes). */
        finePoints: z.number().int().min(2).max(10_000).default(30),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({})

export const consoleEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_CONSOLE_ENABLED', path: 'console.enabled', parse: 'bool' },
  { env: 'LOOKOUT_CONSOLE_MAX_TRACES', path: 'console.traces.maxTraces', parse: 'int' },
  { env: 'LOOKOUT_CONSOLE_TRACE_BYTES', path: 'console.traces.maxBytes', parse: 'int' },
  { env: 'LOOKOUT_CONSOLE_MAX_LOG_LINES', path: 'console.logs.maxLines', parse: 'int' },
  { env: 'LOOKOUT_CONSOLE_LOG_BYTES', path: 'console.logs.maxBytes', parse: 'int' },
]
