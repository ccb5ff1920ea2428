import { z } from 'zod'
import { parseKeyValueList } from '../../tracing/parseKeyValueList.ts'
import type { EnvBinding } from '../envBinding.ts'
import { secret } from '../secret.ts'

/** A `k=v,k2=v2` list (percent-decoded, OTel format) or an object (OTLP headers, resource attributes). */
export const keyValues = z.union([
  z.record(z.string()),
  z.string().transform((text, ctx) => {
    const parsed = parseKeyValueList(text)
    if (!parsed.ok) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `expected key=value,key2=value2: ${parsed.message}`,
      })
      return z.NEVER
    }
    return { ...parsed.value }
  }),
])

/** An absolute http(s) URL (OTLP endpoints). */
export const httpUrl = z
  .string()
  .url('an absolute http(s) URL')
  .refine((u) => /^https?:\/\//i.test(u), 'an http:// or https:// URL')

/** Samplers named by `OTEL_TRACES_SAMPLER` that Lookout supports. */
export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const

/**
 * Tracing options (OpenTelemetry). Every field also reads the standard `OTEL_*` variable, and the common platform names
 * (`OTLP_ENDPOINT`, `TRACING_ENABLED`, `TELEMETRY_ENABLED`, `TRACE_SAMPLE_RATE`,
 * `ENABLE_TRACE_CONSOLE_EXPORT`). See docs/tracing.md.
 *
 * @example
 * { tracing: { endpoint: 'http://otel-collector:4318', sampleRate: 0.1 } }
 */
export const tracingSchema = z
  .object({
    /** Create spans at all. Default `true`. Env `LOOKOUT_TRACING_ENABLED`, `TRACING_ENABLED`, `TELEMETRY_ENABLED`. */
    enabled: z.boolean().default(true),
    /** `OTEL_SDK_DISABLED=true` switches tracing (and OTLP metric push) off. Default `false`. */
    sdkDisabled: z.boolean().default(false),
    /**
     * Sampler. Default: `parentbased_traceidratio` when `sampleRate` is set, else `parentbased_always_on`.
     * Env `OTEL_TRACES_SAMPLER`.
     */
    sampler: z.enum(TRACE_SAMPLERS).optional(),
    /** Ratio 0..1 for the ratio samplers. Env `LOOKOUT_TRACE_SAMPLE_RATE`, `OTEL_TRACES_SAMPLER_ARG`, `TRACE_SAMPLE_RATE`. */
    sampleRate: z.number().min(0).max(1).optional(),
    /**
     * Also export the server span of an unsampled request that ended 5xx (a lone span with the trace and span id
     * its logs carry; its children were not recorded). Default `false`. Env `LOOKOUT_TRACE_KEEP_ERRORS`.
     */
    keepErrors: z.boolean().default(false),
    /** Exporters. Default `['otlp']` when an endpoint is set, else none. Env `OTEL_TRACES_EXPORTER`. */
    exporters: z.array(z.enum(['otlp', 'console', 'none'])).optional(),
    /**
     * An extra span exporter object (`{ export, shutdown }`, e.g. `lookout/testing`'s in-memory exporter). Code
     * only. Spans reach it through its own bounded batch processor; `lookout.tracing.flush()` pushes them now.
     */
    spanExporter: z
      .custom<{ export: unknown; shutdown: unknown }>(
        (v) =>
          typeof v === 'object' &&
          v !== null &&
          typeof (v as { export?: unknown }).export === 'function' &&
          typeof (v as { shutdown?: unknown }).shutdown === 'function',
        'an object with export() and shutdown()',
      )
      .optional(),
    /** Also print spans to stdout (debugging). Default `false`. Env `LOOKOUT_TRACE_CONSOLE`, `ENABLE_TRACE_CONSOLE_EXPORT`. */
    console: z.boolean().default(false),
    /** OTLP base endpoint; `/v1/traces` is appended for HTTP. Env `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTLP_ENDPOINT`. */
    endpoint: httpUrl.optional(),
    /** OTLP traces endpoint, used as-is. Env `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`. */
    tracesEndpoint: httpUrl.optional(),
    /**
     * OTLP protocol. Default `http/protobuf`, or `grpc` when the endpoint's port is 4317 (the usual collector gRPC port).
     * Env `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, `OTEL_EXPORTER_OTLP_PROTOCOL`.
     */
    protocol: z.enum(['grpc', 'http/protobuf', 'http/json']).optional(),
    /** Headers sent with every export (`k=v,k2=v2` or an object). Env `OTEL_EXPORTER_OTLP_[TRACES_]HEADERS`. */
    headers: secret(keyValues).optional(),
    /** Export timeout in ms. Default 10000. Env `OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT`. */
    timeoutMs: z.number().int().min(1).max(600_000).default(10_000),
    /** Export compression. Default `none`. Env `OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION`. */
    compression: z.enum(['gzip', 'none']).default('none'),
    /** Propagators (`tracecontext`, `baggage`, `none`). Default both. Env `OTEL_PROPAGATORS`. */
    propagators: z.array(z.string().min(1)).default(['tracecontext', 'baggage']),
    /**
     * Extra routes/paths not traced (on top of `http.excludeRoutes`, which covers metrics and health). A trailing
     * `*` matches a prefix. Env `LOOKOUT_TRACING_EXCLUDE_ROUTES`.
     */
    excludeRoutes: z.array(z.string().min(1)).default([]),
    /** Resource attributes (`k=v,…` percent-encoded, or an object). Env `OTEL_RESOURCE_ATTRIBUTES`. */
    resourceAttributes: keyValues.optional(),
    /** Batch span processor (bounded queue; drops are counted in `lookout_spans_dropped_total`). */
    batch: z
      .object({
        /** Spans queued at most. Default 2048. Env `OTEL_BSP_MAX_QUEUE_SIZE`. */
        maxQueueSize: z.number().int().min(1).max(1_000_000).default(2048),
        /** Spans per export. Default 512. Env `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`. */
        maxExportBatchSize: z.number().int().min(1).max(100_000).default(512),
        /** Delay between exports in ms. Default 5000. Env `OTEL_BSP_SCHEDULE_DELAY`. */
        scheduledDelayMs: z.number().int().min(1).max(600_000).default(5000),
        /** Time one export may take in ms. Default 30000. Env `OTEL_BSP_EXPORT_TIMEOUT`. */
        exportTimeoutMs: z.number().int().min(1).max(600_000).default(30_000),
      })
      .strict()
      .default({}),
    /** Time `shutdown()` waits for the last spans to leave, in ms. Default 5000. */
    shutdownTimeoutMs: z.number().int().min(0).max(120_000).default(5000),
    /** Outbound calls (fetch/undici and node:http client). */
    outbound: z
      .object({
        /** Trace outbound HTTP through the official undici and http instrumentations. Default `true`. */
        enabled: z.boolean().default(true),
        /**
         * Header carrying the request id on outbound calls; `''` disables. Default: `http.requestIdHeader`
         * (`x-request-id`). Env `LOOKOUT_OUTBOUND_REQUEST_ID_HEADER`.
         */
        requestIdHeader: z
          .string()
          .regex(/^([a-zA-Z0-9-]{1,64})?$/, 'a header name')
          .transform((s) => s.toLowerCase())
          .optional(),
      })
      .strict()
      .default({}),
    /** Push Lookout's metrics over OTLP as well (for backends that do not scrape). */
    metricsExport: z
      .object({
        /** `otlp` pushes periodically; `none`/`prometheus` do not. Default `none`. Env `OTEL_METRICS_EXPORTER`. */
        exporter: z.enum(['otlp', 'prometheus', 'none']).default('none'),
        /** OTLP metrics endpoint, used as-is. Default `<endpoint>/v1/metrics`. Env `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`. */
        endpoint: httpUrl.optional(),
        /** Push interval in ms. Default 60000. Env `OTEL_METRIC_EXPORT_INTERVAL`. */
        intervalMs: z.number().int().min(100).max(3_600_000).default(60_000),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({})

export const tracingEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_TRACING_ENABLED', path: 'tracing.enabled', parse: 'bool' },
  { env: 'TRACING_ENABLED', path: 'tracing.enabled', parse: 'bool' },
  { env: 'TELEMETRY_ENABLED', path: 'tracing.enabled', parse: 'bool' },
  { env: 'OTEL_SDK_DISABLED', path: 'tracing.sdkDisabled', parse: 'bool' },
  { env: 'OTEL_TRACES_SAMPLER', path: 'tracing.sampler', parse: 'string' },
  { env: 'LOOKOUT_TRACE_SAMPLE_RATE', path: 'tracing.sampleRate', parse: 'number' },
  { env: 'OTEL_TRACES_SAMPLER_ARG', path: 'tracing.sampleRate', parse: 'number' },
  { env: 'TRACE_SAMPLE_RATE', path: 'tracing.sampleRate', parse: 'number' },
  { env: 'LOOKOUT_TRACE_KEEP_ERRORS', path: 'tracing.keepErrors', parse: 'bool' },
  { env: 'OTEL_TRACES_EXPORTER', path: 'tracing.exporters', parse: 'list' },
  { env: 'LOOKOUT_TRACE_CONSOLE', path: 'tracing.console', parse: 'bool' },
  { env: 'ENABLE_TRACE_CONSOLE_EXPORT', path: 'tracing.console', parse: 'bool' },
  { env: 'OTEL_EXPORTER_OTLP_ENDPOINT', path: 'tracing.endpoint', parse: 'string' },
  { env: 'OTLP_ENDPOINT', path: 'tracing.endpoint', parse: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', path: 'tracing.tracesEndpoint', parse: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', path: 'tracing.protocol', parse: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_PROTOCOL', path: 'tracing.protocol', parse: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', path: 'tracing.headers', parse: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_HEADERS', path: 'tracing.headers', parse: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', path: 'tracing.timeoutMs', parse: 'int' },
  { env: 'OTEL_EXPORTER_OTLP_TIMEOUT', path: 'tracing.timeoutMs', parse: 'int' },
  { env: 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', path: 'tracing.compression', parse: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_COMPRESSION', path: 'tracing.compression', parse: 'string' },
  { env: 'OTEL_PROPAGATORS', path: 'tracing.propagators', parse: 'list' },
  { env: 'LOOKOUT_TRACING_EXCLUDE_ROUTES', path: 'tracing.excludeRoutes', parse: 'list' },
  { env: 'OTEL_RESOURCE_ATTRIBUTES', path: 'tracing.resourceAttributes', parse: 'string' },
  { env: 'OTEL_BSP_MAX_QUEUE_SIZE', path: 'tracing.batch.maxQueueSize', parse: 'int' },
  { env: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', path: 'tracing.batch.maxExportBatchSize', parse: 'int' },
  { env: 'OTEL_BSP_SCHEDULE_DELAY', path: 'tracing.batch.scheduledDelayMs', parse: 'int' },
  { env: 'OTEL_BSP_EXPORT_TIMEOUT', path: 'tracing.batch.exportTimeoutMs', parse: 'int' },
  { env: 'LOOKOUT_TRACING_SHUTDOWN_TIMEOUT', path: 'tracing.shutdownTimeoutMs', parse: 'int' },
  { env: 'LOOKOUT_TRACING_OUTBOUND', path: 'tracing.outbound.enabled', parse: 'bool' },
  { env: 'LOOKOUT_OUTBOUND_REQUEST_ID_HEADER', path: 'tracing.outbound.requestIdHeader', parse: 'string' },
  { env: 'OTEL_METRICS_EXPORTER', path: 'tracing.metricsExport.exporter', parse: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', path: 'tracing.metricsExport.endpoint', parse: 'string' },
  { env: 'OTEL_METRIC_EXPORT_INTERVAL', path: 'tracing.metricsExport.intervalMs', parse: 'int' },
]
