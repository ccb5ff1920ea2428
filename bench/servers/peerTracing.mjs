/**
 * The peer stacks' tracing: the OpenTelemetry Node SDK (NodeTracerProvider, parent-based ratio sampler at
 * `BENCH_TRACE_RATIO`, batch span processor, OTLP http/protobuf exporter to the loopback sink) with the http
 * instrumentation and any framework instrumentations given. Import before the framework: the instrumentations
 * patch modules when they are required.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { registerInstrumentations } from '@opentelemetry/instrumentation'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { otlpTracesUrl, traceRatio } from './common.mjs'

/** Starts the SDK; returns the provider. */
export function startPeerTracing(instrumentations = []) {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench' }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(traceRatio()) }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl() }))],
  })
  provider.register()
  // Spans still queued leave before the process exits, as the SDK's documentation asks of a service.
  process.once('SIGTERM', () => provider.shutdown().finally(() => process.exit(0)))
  registerInstrumentations({ instrumentations: [new HttpInstrumentation(), ...instrumentations] })
  return provider
}
