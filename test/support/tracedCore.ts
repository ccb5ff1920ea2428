import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { resolveConfig } from '../../src/config/resolveConfig.ts'
import type { ResolvedConfig } from '../../src/config/schema.ts'
import { createContextObserver } from '../../src/context/contextObserver.ts'
import { createLifecycleCore, type LifecycleCore } from '../../src/http/lifecycleCore.ts'
import { createRedactor } from '../../src/redact/createRedactor.ts'
import { createTracing, type TracingRuntime } from '../../src/tracing/createTracing.ts'
import { createServerSpanObserver } from '../../src/tracing/serverSpanObserver.ts'
import type { SpanRedactor } from '../../src/tracing/spanRedactor.ts'

/** What {@link createTracedCore} wires besides the defaults. */
export interface TracedCoreOptions {
  readonly sampleRate: number
  /** In-process span processors (they make spans recorded, as the console's buffer does). Default none. */
  readonly processors?: readonly SpanProcessor[]
  /** Span exporters, each behind Lookout's batch processor. Default none. */
  readonly exporters?: readonly SpanExporter[]
  /** The redactor the span processors scan with. Default: the same one the observers use. */
  readonly processorRedactor?: SpanRedactor
}

/** A lifecycle core with the request context and the server span observer, as Lookout wires them. */
export interface TracedCore {
  readonly config: ResolvedConfig
  readonly core: LifecycleCore
  readonly runtime: TracingRuntime
}

/**
 * A lifecycle core traced at `sampleRate`, without metrics: the server span observer entering the span's context
 * through the request context's store, as Lookout's instance does. Spans are recorded only when there is a processor
 * or an exporter to take them.
 *
 * @example
 * const { core } = createTracedCore({ sampleRate: 1, processors: [recorder] })
 */
export function createTracedCore(options: TracedCoreOptions): TracedCore {
  const redactor = createRedactor()
  const scanning = options.processorRedactor ?? redactor
  const config = resolveConfig(
    { metrics: { enabled: false }, tracing: { sampleRate: options.sampleRate } },
    {},
  )
  const runtime = createTracing(config, {
    observer: { dropped() {}, exported() {}, exportFailed() {} },
    redactor: () => scanning,
    extraProcessors: options.processors,
    extraExporters: options.exporters,
  })
  const core = createLifecycleCore({ config, metrics: undefined })
  core.addObserver(
    createServerSpanObserver({
      runtime,
      redactor,
      clientIp: (req) => req.remoteAddress,
      isExcluded: () => false,
      hasExclusions: false,
      unmatchedRoute: config.http.unmatchedRoute,
      trustForwardedProto: false,
      outboundRequestIdHeader: runtime.settings.outboundRequestIdHeader,
      contextEntersSpan: true,
    }),
  )
  core.addObserver(createContextObserver(redactor))
  return { config, core, runtime }
}
