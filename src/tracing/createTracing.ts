import { arch, hostname } from 'node:os'
import {
  context,
  propagation,
  type TextMapPropagator,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api'
import type { Resource } from '@opentelemetry/resources'
import type { IdGenerator, Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { ResolvedConfig } from '../config/schema.ts'
import { lookoutContextManager } from '../context/lookoutContextManager.ts'
import { lazyRequire } from '../util/lazyRequire.ts'
import { createRandomHexPool } from '../util/randomHexPool.ts'
import { type BatchObserver, BoundedBatchSpanProcessor } from './boundedBatchSpanProcessor.ts'
import { TRACER_NAME } from './conventions.ts'
import { createOtlpSpanExporter } from './createSpanExporter.ts'
import { createDecidedRootSampler, type RootDecision } from './decidedRootSampler.ts'
import { createRedactingSpanProcessor, type PreRedactedSpan } from './redactingSpanProcessor.ts'
import { RequestIdPropagator } from './requestIdPropagator.ts'
import { resolveTracingSettings, type TracingSettings } from './resolveTracingSettings.ts'
import type { SpanRedactor } from './spanRedactor.ts'
import { traceIdRatio, traceIdRatioBound } from './traceIdRatio.ts'

// The SDK is loaded when a process traces, not when it imports Lookout (see lazyRequire).
const sdk = lazyRequire<typeof import('@opentelemetry/sdk-trace-base')>('@opentelemetry/sdk-trace-base')
const otelCore = lazyRequire<typeof import('@opentelemetry/core')>('@opentelemetry/core')
const resources = lazyRequire<typeof import('@opentelemetry/resources')>('@opentelemetry/resources')

/** Everything one Lookout instance traces with. Built once; nothing here is global except as noted. */
export interface TracingRuntime {
  readonly settings: TracingSettings
  /** Tracer for server spans and helpers. */
  readonly tracer: Tracer
  /** Provider (handed to the outbound instrumentations). */
  readonly provider: TracerProvider
  /** Extracts/injects `traceparent`/`tracestate`/`baggage` per `OTEL_PROPAGATORS`. */
  readonly propagator: TextMapPropagator
  /**
   * Tracer whose next span takes the ids put in {@link TracingRuntime.nextIds} — used only to record the kept
   * 5xx span of an unsampled request under the ids its logs already carry. `undefined` unless `keepErrors`.
   */
  readonly errorTracer: Tracer | undefined
  /**
   * Ids the next span takes, and whether it is a root already decided to be recorded ({@link recordsRoot}; the
   * provider's sampler then records it without deciding again).
   */
  readonly nextIds: { traceId: string | undefined; spanId: string | undefined } & RootDecision
  /**
   * The span Lookout is ending right now with attributes whose values it redacted already (the server span's), set
   * only for the duration of its synchronous `end()`: the redacting processor leaves a value alone while it is
   * still the one given here, and redacts anything set over it.
   */
  readonly preRedacted: PreRedactedSpan
  /**
   * Decides a root span (no parent) from the trace id it would get, with the provider's sampler, before any span
   * object exists: `true` = record it (start it with these ids in {@link TracingRuntime.nextIds}), `false` = a
   * non-recording span carrying the ids is all it needs. `undefined` when every root is recorded.
   */
  readonly recordsRoot: ((traceId: string) => boolean) | undefined
  /** A new trace id (32 hex) from the provider's pool. */
  newTraceId(): string
  /** A new span id (16 hex) from the provider's pool. */
  newSpanId(): string
  /** Span processors (one per exporter). */
  readonly processors: readonly BoundedBatchSpanProcessor[]
  /** Sends queued spans now (bounded). */
  forceFlush(timeoutMs: number): Promise<void>
  /** Flushes and shuts the exporters down within `timeoutMs`. Idempotent. */
  shutdown(timeoutMs: number): Promise<void>
}

/** Inputs of {@link createTracing} besides the config. */
export interface CreateTracingDeps {
  readonly observer: BatchObserver
  /** Extra exporters (tests, `lookout/testing`). */
  readonly extraExporters?: readonly SpanExporter[]
  /** Extra span processors fed in-process (the console's trace buffer). */
  readonly extraProcessors?: readonly SpanProcessor[]
  /** The redactor every ended span's attributes go through before any processor exports or keeps them. */
  readonly redactor: () => SpanRedactor
  /** The resource of every span; default {@link createResource} of the config. */
  readonly resource?: Resource
}

/**
 * Builds the tracer provider of one Lookout instance from its resolved config: resource, sampler, propagator
 * and one bounded batch processor per exporter (OTLP over the configured protocol, console, extras). Without any
 * exporter (or in-process processor) no span is recorded: requests still get trace and span ids (logs correlate by trace id, `X-Trace-Id`
 * is answered), and no span object is built.
 *
 * The provider is *not* registered globally (many instances may live in one process, e.g. in tests); the tracer
 * is passed explicitly. The only process-wide state it touches is set once if absent: Lookout's context manager
 * (without one, `context.with` does nothing) and the W3C propagator the outbound instrumentations inject with.
 *
 * @example
 * const runtime = createTracing(config, { observer, redactor: () => redactor })
 * const span = runtime.tracer.startSpan('GET /users/:id')
 */
export function createTracing(config: ResolvedConfig, deps: CreateTracingDeps): TracingRuntime {
  const { AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider, ConsoleSpanExporter } = sdk()
  const settings = resolveTracingSettings(config)
  const propagator = createPropagator(settings.propagators)
  ensureGlobalContext(propagator)
  const limits = config.tracing.batch
  const processors: BoundedBatchSpanProcessor[] = []
  const exporters: SpanExporter[] = []
  if (settings.otlp !== undefined) exporters.push(createOtlpSpanExporter(settings.otlp))
  if (settings.console) exporters.push(new ConsoleSpanExporter())
  if (deps.extraExporters) exporters.push(...deps.extraExporters)
  for (const exporter of exporters)
    processors.push(new BoundedBatchSpanProcessor(exporter, limits, deps.observer))
  const resource = deps.resource ?? createResource(config)
  const preRedacted: PreRedactedSpan = { span: undefined, attributes: undefined }
  const spanProcessors: SpanProcessor[] = [
    createRedactingSpanProcessor(deps.redactor, preRedacted),
    ...processors,
    ...(deps.extraProcessors ?? []),
  ]
  // An in-process processor (the console) is a destination too: spans are recorded for it.
  const destinations = exporters.length + (deps.extraProcessors?.length ?? 0)
  // Pooled CSPRNG ids: RandomIdGenerator formats each id in JavaScript, and unsampled spans need ids too.
  const traceIds = createRandomHexPool(32)
  const spanIds = createRandomHexPool(16)
  const nextIds: TracingRuntime['nextIds'] = { traceId: undefined, spanId: undefined, rootRecorded: false }
  // Ids put in nextIds (a root decided before its span is built, a kept error span) are taken once.
  const idGenerator: IdGenerator = {
    generateTraceId() {
      const id = nextIds.traceId
      if (id === undefined) return traceIds.next()
      nextIds.traceId = undefined
      return id
    },
    generateSpanId() {
      const id = nextIds.spanId
      if (id === undefined) return spanIds.next()
      nextIds.spanId = undefined
      return id
    },
  }
  // Nowhere to send spans: none is recorded (ids still exist for log correlation and X-Trace-Id).
  const sampler =
    destinations === 0 ? new AlwaysOffSampler() : createDecidedRootSampler(createSampler(settings), nextIds)
  const provider = new BasicTracerProvider({ resource, sampler, idGenerator, spanProcessors })
  const tracer = provider.getTracer(TRACER_NAME, config.version)
  let errorTracer: Tracer | undefined
  if (config.tracing.keepErrors && settings.enabled && destinations > 0) {
    errorTracer = new BasicTracerProvider({
      resource,
      sampler: new AlwaysOnSampler(),
      idGenerator,
      spanProcessors,
    }).getTracer(TRACER_NAME, config.version)
  }
  let stopping: Promise<void> | undefined
  return {
    settings,
    tracer,
    provider,
    propagator,
    errorTracer,
    nextIds,
    preRedacted,
    recordsRoot: destinations === 0 ? () => false : rootDecision(settings, traceIds),
    newTraceId: () => traceIds.next(),
    newSpanId: () => spanIds.next(),
    processors,
    async forceFlush(timeoutMs) {
      await Promise.all(processors.map((p) => p.forceFlush(timeoutMs)))
    },
    shutdown(timeoutMs) {
      stopping ??= Promise.all(processors.map((p) => p.shutdown(timeoutMs))).then(() => undefined)
      return stopping
    },
  }
}

/**
 * How a root span is decided ahead of building it ({@link TracingRuntime.recordsRoot}), as the configured
 * sampler decides a root: never for the always-off samplers, on the trace id for the ratio ones, `undefined`
 * (always recorded; the SDK builds the span) for the always-on ones.
 */
function rootDecision(
  settings: TracingSettings,
  pool: ReturnType<typeof createRandomHexPool>,
): ((traceId: string) => boolean) | undefined {
  switch (settings.sampler) {
    case 'always_off':
    case 'parentbased_always_off':
      return () => false
    case 'traceidratio':
    case 'parentbased_traceidratio': {
      const byHex = traceIdRatio(settings.ratio)
      const bound = traceIdRatioBound(settings.ratio)
      // The id the pool just made (the server-span observer's case) is decided from its bytes, without parsing it.
      return (traceId) => (traceId === pool.lastId() ? pool.lastWordsXor() < bound : byHex(traceId))
    }
    default:
      return undefined
  }
}

/**
 * The sampler named by `OTEL_TRACES_SAMPLER` (ratio from `OTEL_TRACES_SAMPLER_ARG` / `sampleRate`).
 *
 * @example
 * createSampler({ sampler: 'parentbased_traceidratio', ratio: 0.1 }) // ParentBased{root=TraceIdRatioBased{0.1}}
 */
export function createSampler(settings: Pick<TracingSettings, 'sampler' | 'ratio'>): Sampler {
  const { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } = sdk()
  switch (settings.sampler) {
    case 'always_on':
      return new AlwaysOnSampler()
    case 'always_off':
      return new AlwaysOffSampler()
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(settings.ratio)
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() })
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.ratio) })
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() })
  }
}

/**
 * W3C trace-context and/or baggage propagation, per `OTEL_PROPAGATORS` (an empty list propagates nothing).
 *
 * @example
 * createPropagator(['tracecontext', 'baggage']).fields() // ['traceparent', 'tracestate', 'baggage']
 */
export function createPropagator(names: readonly ('tracecontext' | 'baggage')[]): TextMapPropagator {
  const { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } = otelCore()
  const propagators: TextMapPropagator[] = []
  for (const name of names) {
    propagators.push(name === 'tracecontext' ? new W3CTraceContextPropagator() : new W3CBaggagePropagator())
  }
  return new CompositePropagator({ propagators })
}

/**
 * The resource of every span: `service.name`, `service.version`, `service.instance.id`,
 * `deployment.environment(.name)`, host and process attributes, then `OTEL_RESOURCE_ATTRIBUTES` (which win,
 * except over an explicitly configured service name — the default `app` yields to a `service.name` there).
 *
 * @example
 * createResource(config).attributes['service.name'] // 'identity'
 */
export function createResource(config: ResolvedConfig): Resource {
  const fromEnv = { ...(config.tracing.resourceAttributes ?? {}) }
  const serviceName =
    config.service === 'app' && fromEnv['service.name'] !== undefined
      ? fromEnv['service.name']
      : config.service
  const { defaultResource, resourceFromAttributes } = resources()
  return defaultResource().merge(
    resourceFromAttributes({
      'deployment.environment': config.environment,
      'deployment.environment.name': config.environment,
      'host.name': hostname(),
      'host.arch': arch(),
      'process.pid': process.pid,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
      'service.instance.id': config.instance,
      'service.version': config.version,
      ...fromEnv,
      'service.name': serviceName,
    }),
  )
}

let contextManagerChecked = false

/**
 * Makes `context.with` work process-wide: registers Lookout's context manager (backed by the request context's
 * AsyncLocalStorage, so a request enters one async context) unless one is already registered (by the OTel Node
 * SDK or the app, which is then kept), and the given propagator as the global one
 * unless one is set — the official outbound instrumentations inject through the global propagator (composed with
 * the {@link RequestIdPropagator}, so the request id travels beside `traceparent`).
 */
export function ensureGlobalContext(propagator: TextMapPropagator): void {
  if (!contextManagerChecked) {
    contextManagerChecked = true
    // Returns false (and keeps the existing one) when a manager is already registered.
    if (!context.setGlobalContextManager(lookoutContextManager.enable())) lookoutContextManager.disable()
  }
  if (propagation.fields().length === 0 && propagator.fields().length > 0) {
    propagation.setGlobalPropagator(
      new (otelCore().CompositePropagator)({ propagators: [propagator, new RequestIdPropagator()] }),
    )
  }
}
