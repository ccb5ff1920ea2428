import { z } from 'zod'
import type { EnvBinding } from '../envBinding.ts'
import { secret } from '../secret.ts'
import { httpUrl, keyValues } from './tracing.ts'

const level = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .trim()
          .toLowerCase()
          .replace(/^warning$/, 'warn')
      : v,
  z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
)

/** Label names that would make one Loki stream per request/user (refused). */
const HIGH_CARDINALITY_LABELS =
  /^(request_?id|trace_?id|span_?id|user_?id|session_?id|email|path|url|ip|client_ip)$/i

/** `k=v,k=v` (the LOKI_LABELS form) or an object. */
const labels = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v
    const out: Record<string, string> = {}
    for (const pair of v.split(',')) {
      const eq = pair.indexOf('=')
      if (eq > 0) out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim()
    }
    return out
  },
  z
    .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Loki label name'), z.string().min(1).max(256))
    .refine(
      (r) => Object.keys(r).every((k) => !HIGH_CARDINALITY_LABELS.test(k)),
      'ids, paths, IPs and emails are never Loki labels (use structured metadata)',
    )
    .refine((r) => Object.keys(r).length <= 12, 'at most 12 extra labels (Loki allows 15 per stream)'),
)

/**
 * Logging options: level, format, request log, Loki shipping and OTLP export.
 *
 * @example
 * { logging: { level: 'debug', loki: { url: 'http://loki:3100', labels: { team: 'identity' } } } }
 */
export const loggingSchema = z
  .object({
    /** Minimum level written. Default `info`. Env `LOOKOUT_LOG_LEVEL`, then `LOG_LEVEL`. */
    level: level.default('info'),
    /**
     * `json`, `pretty` (pino-pretty, for a developer's terminal) or `auto`: pretty when the environment is
     * `development` and stdout is a TTY, JSON otherwise. Default `auto`. Env `LOOKOUT_LOG_FORMAT`.
     */
    format: z.enum(['auto', 'json', 'pretty']).default('auto'),
    /**
     * Request context (AsyncLocalStorage): app log lines carry request_id, tenant_id, user_id and trace ids, and
     * `bindContext()` works. Default `true`. Env `LOOKOUT_LOG_CONTEXT`.
     */
    context: z.boolean().default(true),
    /** One line per finished request. */
    requestLog: z
      .object({
        /** Default `true`. Env `LOOKOUT_REQUEST_LOG`. */
        enabled: z.boolean().default(true),
        /** Also log excluded routes (probes, /metrics). Default `false`. */
        includeExcluded: z.boolean().default(false),
        /**
         * Share (0..1) of the remaining request lines written: 5xx, 4xx (unless `sampleClientErrors`) and slow
         * requests are always written; the others at this ratio, the rest counted in
         * `lookout_log_lines_sampled_out_total`. Default `1` (every line). Env `LOOKOUT_REQUEST_LOG_SAMPLE_RATIO`.
         */
        sampleRatio: z.number().min(0).max(1).default(1),
        /** A request at least this slow (ms) is always written. Default `1000`. Env `LOOKOUT_REQUEST_LOG_SLOW_MS`. */
        slowMs: z.number().int().min(0).max(3_600_000).default(1000),
        /** Sample 4xx lines like successes instead of always writing them. Default `false`. */
        sampleClientErrors: z.boolean().default(false),
      })
      .strict()
      .default({}),
    /** One event line per `instrument()` call. Default `true`. Env `LOOKOUT_LOG_EVENTS`. */
    events: z.boolean().default(true),
    /** Loki push (off the main thread, in a pino transport worker). Off unless `url` is set. */
    loki: z
      .object({
        /** Base URL (`http://loki:3100`) or the full push URL. Env `LOOKOUT_LOKI_URL`. */
        url: z.string().url().optional(),
        /** Extra stream labels (low-cardinality only). Default none. Env `LOOKOUT_LOKI_LABELS` (`k=v,k=v`). */
        labels: labels.default({}),
        /** `X-Scope-OrgID` tenant header. Env `LOOKOUT_LOKI_TENANT`. */
        tenant: z.string().min(1).max(150).optional(),
        /** Basic auth user. Env `LOOKOUT_LOKI_USERNAME`. */
        username: z.string().min(1).optional(),
        /** Basic auth password. Env `LOOKOUT_LOKI_PASSWORD`. */
        password: secret(z.string().min(1)).optional(),
        /** Bearer token (instead of basic auth). Env `LOOKOUT_LOKI_TOKEN`. */
        token: secret(z.string().min(1)).optional(),
        /** Lowest level shipped. Default `info`. Env `LOOKOUT_LOKI_MIN_LEVEL`. */
        minLevel: level.default('info'),
        /** Flush a batch at least this often, ms. Default 2000. Env `LOOKOUT_LOKI_BATCH_INTERVAL_MS`. */
        batchIntervalMs: z.number().int().min(10).max(600_000).default(2000),
        /** Flush when a batch holds this many lines. Default 1000. Env `LOOKOUT_LOKI_BATCH_SIZE`. */
        batchSize: z.number().int().min(1).max(100_000).default(1000),
        /** Flush when a batch reaches this many bytes of log text. Default 1 MiB. */
        maxBatchBytes: z
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .default(1024 * 1024),
        /** Batches waiting to be sent (Loki down) before the oldest is dropped and counted. Default 20. */
        maxPendingBatches: z.number().int().min(1).max(10_000).default(20),
        /** Per-request timeout, ms. Default 5000. Env `LOOKOUT_LOKI_TIMEOUT_MS`. */
        timeoutMs: z.number().int().min(100).max(120_000).default(5000),
        /** Retries of one batch on 429/5xx/network errors (never on other 4xx). Default 5. */
        maxRetries: z.number().int().min(0).max(100).default(5),
        /** First retry delay, ms (doubles, with jitter; `Retry-After` honoured). Default 500. */
        retryBaseMs: z.number().int().min(1).max(60_000).default(500),
        /** Longest retry delay, ms. Default 30000. */
        retryMaxMs: z.number().int().min(1).max(600_000).default(30_000),
        /** gzip request bodies. Default `true`. */
        gzip: z.boolean().default(true),
        /** Time allowed to flush on shutdown, ms. Default 5000. */
        shutdownTimeoutMs: z.number().int().min(0).max(120_000).default(5000),
      })
      .strict()
      .default({}),
    /**
     * OTLP log export (OTLP/HTTP, protobuf or JSON): every line at or above `minLevel`, already redacted, as an
     * OTel log record with the trace's resource. Off unless `exporter` is `otlp` or a logs `endpoint` is set.
     */
    otlp: z
      .object({
        /**
         * `otlp` exports; `none` does not; `console` names stdout (where lines go anyway). Default: `otlp` when
         * `endpoint` is set, else `none` (the generic OTLP endpoint alone does not send logs). Env
         * `OTEL_LOGS_EXPORTER`.
         */
        exporter: z
          .preprocess(
            (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
            z.enum(['otlp', 'none', 'console']),
          )
          .optional(),
        /**
         * OTLP logs endpoint, used as-is. Default `<tracing.endpoint>/v1/logs` (`OTEL_EXPORTER_OTLP_ENDPOINT`),
         * else `http://localhost:4318/v1/logs`. Env `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`.
         */
        endpoint: httpUrl.optional(),
        /**
         * `http/protobuf` or `http/json` (`grpc` is refused at start-up: logs go over OTLP/HTTP only). Default
         * `http/protobuf`. Env `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL`, `OTEL_EXPORTER_OTLP_PROTOCOL`.
         */
        protocol: z.enum(['grpc', 'http/protobuf', 'http/json']).optional(),
        /** Headers sent with every export (`k=v,k2=v2` or an object). Env `OTEL_EXPORTER_OTLP_[LOGS_]HEADERS`. */
        headers: secret(keyValues).optional(),
        /** Per-request timeout, ms. Default 10000. Env `OTEL_EXPORTER_OTLP_[LOGS_]TIMEOUT`. */
        timeoutMs: z.number().int().min(1).max(600_000).default(10_000),
        /** Request compression. Default `none`. Env `OTEL_EXPORTER_OTLP_[LOGS_]COMPRESSION`. */
        compression: z.enum(['gzip', 'none']).default('none'),
        /** Lowest level exported. Default `info`. Env `LOOKOUT_OTLP_LOGS_MIN_LEVEL`. */
        minLevel: level.default('info'),
        /**
         * Records waiting to be exported; beyond, new records are dropped and counted
         * (`lookout_log_records_dropped_total{reason="queue_full"}`). Default 2048. Env `OTEL_BLRP_MAX_QUEUE_SIZE`.
         */
        maxQueueSize: z.number().int().min(1).max(1_000_000).default(2048),
        /**
         * Characters of queued lines at most (a few huge lines must not hold memory a count bound allows); beyond,
         * new records are dropped as `queue_full`. Default 8 Mi.
         */
        maxQueueChars: z
          .number()
          .int()
          .min(1024)
          .max(1024 * 1024 * 1024)
          .default(8 * 1024 * 1024),
        /** Records per export request. Default 512. Env `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`. */
        maxExportBatchSize: z.number().int().min(1).max(100_000).default(512),
        /** Delay before a partial batch is exported, ms. Default 1000. Env `OTEL_BLRP_SCHEDULE_DELAY`. */
        scheduledDelayMs: z.number().int().min(1).max(600_000).default(1000),
        /** Retries of one batch on 429/5xx/network errors (never on other 4xx). Default 5. */
        maxRetries: z.number().int().min(0).max(100).default(5),
        /** First retry delay, ms (doubles, with jitter; `Retry-After` honoured up to `retryMaxMs`). Default 500. */
        retryBaseMs: z.number().int().min(1).max(60_000).default(500),
        /** Longest retry delay, ms. Default 30000. */
        retryMaxMs: z.number().int().min(1).max(600_000).default(30_000),
        /** Time allowed to export the last records on shutdown, ms. Default 5000. */
        shutdownTimeoutMs: z.number().int().min(0).max(120_000).default(5000),
      })
      .strict()
      .refine(
        (o) => o.maxExportBatchSize <= o.maxQueueSize,
        'maxExportBatchSize must not exceed maxQueueSize',
      )
      .default({}),
  })
  .strict()
  .default({})

export const loggingEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_LOG_LEVEL', path: 'logging.level', parse: 'string' },
  { env: 'LOG_LEVEL', path: 'logging.level', parse: 'string' },
  { env: 'LOOKOUT_LOG_CONTEXT', path: 'logging.context', parse: 'bool' },
  { env: 'LOOKOUT_LOG_FORMAT', path: 'logging.format', parse: 'string' },
  { env: 'LOOKOUT_REQUEST_LOG', path: 'logging.requestLog.enabled', parse: 'bool' },
  { env: 'LOOKOUT_REQUEST_LOG_SAMPLE_RATIO', path: 'logging.requestLog.sampleRatio', parse: 'number' },
  { env: 'LOOKOUT_REQUEST_LOG_SLOW_MS', path: 'logging.requestLog.slowMs', parse: 'int' },
  { env: 'LOOKOUT_LOG_EVENTS', path: 'logging.events', parse: 'bool' },
  { env: 'LOOKOUT_LOKI_URL', path: 'logging.loki.url', parse: 'string' },
  { env: 'LOOKOUT_LOKI_LABELS', path: 'logging.loki.labels', parse: 'string' },
  { env: 'LOOKOUT_LOKI_TENANT', path: 'logging.loki.tenant', parse: 'string' },
  { env: 'LOOKOUT_LOKI_USERNAME', path: 'logging.loki.username', parse: 'string' },
  { env: 'LOOKOUT_LOKI_PASSWORD', path: 'logging.loki.password', parse: 'string' },
  { env: 'LOOKOUT_LOKI_TOKEN', path: 'logging.loki.token', parse: 'string' },
  { env: 'LOOKOUT_LOKI_MIN_LEVEL', path: 'logging.loki.minLevel', parse: 'string' },
  { env: 'LOOKOUT_LOKI_BATCH_INTERVAL_MS', path: 'logging.loki.batchIntervalMs', parse: 'int' },
  { env: 'LOOKOUT_LOKI_BATCH_SIZE', path: 'logging.loki.batchSize', parse: 'int' },
  { env: 'LOOKOUT_LOKI_TIMEOUT_MS', path: 'logging.loki.timeoutMs', parse: 'int' },
  // Signal-specific variables first: the first one set wins for a path.
  { env: 'OTEL_LOGS_EXPORTER', path: 'logging.otlp.exporter', parse: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', path: 'logging.otlp.endpoint', parse: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL', path: 'logging.otlp.protocol', parse: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_PROTOCOL', path: 'logging.otlp.protocol', parse: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_LOGS_HEADERS', path: 'logging.otlp.headers', parse: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_HEADERS', path: 'logging.otlp.headers', parse: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_LOGS_TIMEOUT', path: 'logging.otlp.timeoutMs', parse: 'int' },
  { env: 'OTEL_EXPORTER_OTLP_TIMEOUT', path: 'logging.otlp.timeoutMs', parse: 'int' },
  { env: 'OTEL_EXPORTER_OTLP_LOGS_COMPRESSION', path: 'logging.otlp.compression', parse: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_COMPRESSION', path: 'logging.otlp.compression', parse: 'string' },
  { env: 'LOOKOUT_OTLP_LOGS_MIN_LEVEL', path: 'logging.otlp.minLevel', parse: 'string' },
  { env: 'OTEL_BLRP_MAX_QUEUE_SIZE', path: 'logging.otlp.maxQueueSize', parse: 'int' },
  { env: 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', path: 'logging.otlp.maxExportBatchSize', parse: 'int' },
  { env: 'OTEL_BLRP_SCHEDULE_DELAY', path: 'logging.otlp.scheduledDelayMs', parse: 'int' },
]
