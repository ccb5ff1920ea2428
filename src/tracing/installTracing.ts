import { ProxyTracerProvider, type Tracer, trace } from '@opentelemetry/api'
import type { Resource } from '@opentelemetry/resources'
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { LookoutHost } from '../core/lookoutHost.ts'
import { createRouteExclusion } from '../http/routeExclusion.ts'
import { bindChildren } from '../metrics/bindChildren.ts'
import type { BatchObserver } from './boundedBatchSpanProcessor.ts'
import { SPAN_DROP_REASONS, TRACING_METRIC_NAMES } from './conventions.ts'
import { createResource, createTracing, type TracingRuntime } from './createTracing.ts'
import { setDefaultSpanHelpers } from './defaultSpanHelpers.ts'
import { createInstrumentSpanHooks } from './instrumentSpans.ts'
import { acquireOutboundTracing, REGISTER_MARK } from './outboundInstrumentation.ts'
import { currentRequestId } from './requestIdPropagator.ts'
import { resolveTracingSettings } from './resolveTracingSettings.ts'
import { createServerSpanObserver } from './serverSpanObserver.ts'
import { createSpanHelpers, type SpanHelpers } from './spanHelpers.ts'
import { spanPresets } from './spanPresets.ts'
import type { SpanRedactor } from './spanRedactor.ts'
import { startOtlpMetricsPush } from './startOtlpMetricsPush.ts'

/** `lookout.tracing`: span helpers, presets and the tracer of this instance. */
export interface LookoutTracing extends SpanHelpers {
  /** Spans are created (tracing on and not `OTEL_SDK_DISABLED`). */
  readonly enabled: boolean
  /** This instance's tracer (a no-op tracer when tracing is off). */
  readonly tracer: Tracer
  /** Domain attribute presets (auth, userOperation, token, authz, securityEvent, db). */
  readonly presets: typeof spanPresets
  /** The trace id of the active span, if any. */
  currentTraceId(): string | undefined
  /** The request id of the request being handled, if any (what outbound calls carry). */
  currentRequestId(): string | undefined
  /** Exports queued spans now (bounded by `timeoutMs`, default the shutdown timeout). Never rejects. */
  flush(timeoutMs?: number): Promise<void>
}

/** What `lookout/register` leaves on `globalThis[REGISTER_MARK]` for instances created later. */
export interface RegisteredTracing {
  readonly runtime: TracingRuntime
  /**
   * Routes the register runtime's batch reports to an instance's counters, its spans through the instance's
   * redactor, and gives them the instance's resource (its `service`, version and environment).
   */
  attach(observer: BatchObserver, redactor: SpanRedactor, resource: Resource): void
}

/** What tracing needs from other areas. */
export interface TracingDeps {
  /** The instance's redactor: every span attribute from every span source goes through it. */
  readonly redactor: SpanRedactor
  /** In-process span processors (the console's trace buffer); not used when `lookout/register` owns tracing. */
  readonly spanProcessors?: readonly SpanProcessor[]
}

/**
 * Installs tracing: the server-span request observer, the `instrument()` span hook, outbound HTTP tracing
 * (while started), span pipeline counters and optional OTLP metric push; returns `lookout.tracing`. When
 * `lookout/register` already set tracing up in this process, its provider is reused (one pipeline, one set of
 * instrumentations) and only flushed — not shut down — by this instance.
 *
 * @example
 * const tracing = installTracing(host, { redactor })
 * tracing.withSpan('work', () => doWork())
 */
export function installTracing(
  lookout: LookoutHost,
  { redactor, spanProcessors = [] }: TracingDeps,
): LookoutTracing {
  const config = lookout.config
  const logger = lookout.logger
  const registry = lookout.registry

  const dropped = registry.counter({
    name: TRACING_METRIC_NAMES.spansDropped,
    help: 'Spans that did not reach the collector, by reason (queue_full, export_failed, shutdown)',
    labelNames: ['reason'],
  })
  const droppedBy = bindChildren(dropped, SPAN_DROP_REASONS)
  const exported = registry.counter({
    name: TRACING_METRIC_NAMES.spansExported,
    help: 'Spans handed to the exporter successfully',
  })
  const exportedChild = exported.labels()
  const failures = registry.counter({
    name: TRACING_METRIC_NAMES.exportFailures,
    help: 'Span export calls that failed or timed out',
  })
  const failuresChild = failures.labels()
  let failing = false
  const observer: BatchObserver = {
    dropped(reason, count) {
      droppedBy.get(reason)?.inc(count)
    },
    exported(count) {
      exportedChild.inc(count)
      if (failing) {
        failing = false
        logger.info({ event: 'span_export_recovered' }, 'span export recovered')
      }
    },
    exportFailed(error, timedOut) {
      failuresChild.inc()
      // Logged once per burst of failures; the counters carry the rest.
      if (!failing) {
        failing = true
        logger.warn(
          {
            event: 'span_export_failed',
            timed_out: timedOut,
            err:
              error instanceof Error
                ? { type: error.name, message: redactor.redactString(error.message) }
                : undefined,
          },
          'span export failed; spans are being dropped until the collector answers',
        )
      }
    },
  }

  const registered = (globalThis as Record<symbol, unknown>)[REGISTER_MARK] as RegisteredTracing | undefined
  const extra = config.tracing.spanExporter as SpanExporter | undefined
  let runtime: TracingRuntime | undefined
  let borrowed = false
  const wantTracing = config.tracing.enabled && !config.tracing.sdkDisabled
  if (wantTracing && registered !== undefined && extra === undefined) {
    runtime = registered.runtime
    borrowed = true
    registered.attach(observer, redactor, createResource(config))
  } else if (wantTracing) {
    runtime = createTracing(config, {
      observer,
      redactor: () => redactor,
      extraExporters: extra ? [extra] : [],
      extraProcessors: spanProcessors,
    })
  }

  const tracer = runtime?.tracer ?? new ProxyTracerProvider().getTracer('lookout')
  const helpers = createSpanHelpers(tracer, redactor)
  const api: LookoutTracing = {
    ...helpers,
    enabled: runtime !== undefined,
    tracer,
    presets: spanPresets,
    currentTraceId() {
      const sc = trace.getActiveSpan()?.spanContext()
      return sc !== undefined && trace.isSpanContextValid(sc) ? sc.traceId : undefined
    },
    currentRequestId,
    async flush(timeoutMs = config.tracing.shutdownTimeoutMs) {
      await runtime?.forceFlush(timeoutMs)
    },
  }

  if (runtime !== undefined) {
    const rt = runtime
    const extraExclusions = config.tracing.excludeRoutes
    lookout.core.addObserver(
      createServerSpanObserver({
        runtime: rt,
        redactor,
        clientIp: (req) => lookout.core.clientIp(req),
        isExcluded: createRouteExclusion(extraExclusions),
        hasExclusions: extraExclusions.length > 0,
        unmatchedRoute: config.http.unmatchedRoute,
        trustForwardedProto: config.http.trustProxy.length > 0,
        outboundRequestIdHeader: rt.settings.outboundRequestIdHeader,
        // The logging area's request context observer enters the span's context with the request's store.
        contextEntersSpan: config.logging.context,
      }),
    )
    lookout.instrumentation.use(createInstrumentSpanHooks(tracer, redactor))
    setDefaultSpanHelpers(helpers)
  }

  const metricsPush = (runtime?.settings ?? resolveTracingSettings(config)).metricsPush
  let release: (() => void) | undefined
  let stopMetricsPush: (() => Promise<void>) | undefined
  let started = false
  lookout.addArea({
    name: 'tracing',
    start() {
      if (started) return
      started = true
      if (runtime !== undefined) {
        if (runtime.settings.unsupportedPropagators.length > 0) {
          logger.warn(
            {
              event: 'tracing_propagators_unsupported',
              propagators: runtime.settings.unsupportedPropagators,
            },
            'some OTEL_PROPAGATORS entries are not supported and are ignored',
          )
        }
        if (config.tracing.outbound.enabled)
          release = acquireOutboundTracing({ provider: runtime.provider, redactor })
      }
      if (metricsPush !== undefined) {
        stopMetricsPush = startOtlpMetricsPush({
          registry,
          config,
          push: metricsPush,
          onError: (error) => {
            logger.warn(
              {
                event: 'otlp_metrics_push_failed',
                err: error instanceof Error ? error.message : String(error),
              },
              'OTLP metrics push failed',
            )
          },
        })
      }
    },
    async stop() {
      release?.()
      release = undefined
      const deadline = config.tracing.shutdownTimeoutMs
      await Promise.all([
        stopMetricsPush?.(),
        runtime === undefined
          ? undefined
          : borrowed
            ? runtime.forceFlush(deadline)
            : runtime.shutdown(deadline),
      ])
    },
  })
  return api
}
