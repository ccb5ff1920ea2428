/**
 * `node --import lookout/register app.js` — starts tracing from the environment before the app loads:
 *
 * - builds the tracer provider from `OTEL_*` / `LOOKOUT_*` variables (the same config schema as
 *   `createLookout()`; an invalid value stops start-up naming the variable) and registers it, the W3C propagator
 *   and an AsyncLocalStorage context manager globally;
 * - enables the official instrumentations for outbound HTTP (undici/fetch, `node:http`) and for each database
 *   driver the app has installed: `pg`, `mysql2`, `mongodb`, `ioredis`, and `redis` when
 *   `@opentelemetry/instrumentation-redis` is installed (see `DATABASE_INSTRUMENTATIONS`);
 * - registers the ESM loader hook (import-in-the-middle, restricted to those modules) so ESM apps are patched
 *   too; CommonJS apps are patched through `require`.
 *
 * A Lookout instance created later in the process reuses this provider (one pipeline; its server spans and the
 * database spans share the exporter), gives every span not yet exported its own resource (the code's `service`,
 * version and environment win over the environment's, as everywhere) and flushes it on `shutdown()`. Without an instance, queued spans are
 * flushed when the event loop empties (`beforeExit`).
 *
 * @example
 * // package.json: "start": "node --import lookout/register server.js"
 * // env: OTEL_SERVICE_NAME=identity OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318
 */
import { trace } from '@opentelemetry/api'
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation'
import { resolveConfig } from '../config/resolveConfig.ts'
import { getDefaultRedactor } from '../redact/index.ts'
import type { BatchObserver } from '../tracing/boundedBatchSpanProcessor.ts'
import { createSwitchableResource } from '../tracing/createSwitchableResource.ts'
import { createResource, createTracing } from '../tracing/createTracing.ts'
import { appDirectory, createDatabaseInstrumentations } from '../tracing/databaseInstrumentations.ts'
import type { RegisteredTracing } from '../tracing/installTracing.ts'
import { createOutboundInstrumentations, REGISTER_MARK } from '../tracing/outboundInstrumentation.ts'
import type { SpanRedactor } from '../tracing/spanRedactor.ts'
import { registerEsmHook } from './registerEsmHook.ts'

/** Modules the ESM loader hook intercepts (nothing else pays for import-in-the-middle). */
export const INSTRUMENTED_MODULES = Object.freeze([
  'pg',
  'ioredis',
  'redis',
  '@redis/client',
  'mongodb',
  'mysql2',
  'mysql2/promise',
  'http',
  'https',
])

function start(): void {
  const globals = globalThis as Record<symbol, unknown>
  if (globals[REGISTER_MARK] !== undefined) return
  // The edge of the process: the one place this entry reads the environment, through the config schema.
  const config = resolveConfig({}, process.env)
  if (!config.tracing.enabled || config.tracing.sdkDisabled) return

  // Batch reports go to the counters of whichever Lookout instance attaches (none are kept before that).
  let target: BatchObserver | undefined
  const observer: BatchObserver = {
    dropped(reason, count) {
      target?.dropped(reason, count)
    },
    exported(count) {
      target?.exported(count)
    },
    exportFailed(error, timedOut) {
      target?.exportFailed(error, timedOut)
    },
  }
  // Spans ended before an instance attaches follow the default rules; after that, the instance's configured ones.
  let redactor: SpanRedactor = getDefaultRedactor()
  // The code's `service` option is known only when an instance attaches; its resource replaces this one then.
  const resource = createSwitchableResource(createResource(config))
  const runtime = createTracing(config, { observer, redactor: () => redactor, resource })
  trace.setGlobalTracerProvider(runtime.provider)

  registerEsmHook([...INSTRUMENTED_MODULES])

  const instrumentations: Instrumentation[] = []
  if (config.tracing.outbound.enabled)
    instrumentations.push(...createOutboundInstrumentations(getDefaultRedactor))
  const databases = createDatabaseInstrumentations(appDirectory(process.argv, process.cwd()))
  instrumentations.push(...databases.instrumentations)
  registerInstrumentations({ instrumentations, tracerProvider: runtime.provider })
  databases.finish(runtime.provider)

  const registered: RegisteredTracing = {
    runtime,
    attach(next, nextRedactor, nextResource) {
      target = next
      redactor = nextRedactor
      resource.set(nextResource)
    },
  }
  globals[REGISTER_MARK] = registered

  let flushed = false
  process.once('beforeExit', () => {
    if (flushed) return
    flushed = true
    void runtime.shutdown(config.tracing.shutdownTimeoutMs)
  })
}

start()
