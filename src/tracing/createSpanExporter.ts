import { createRequire } from 'node:module'
import type { SpanExporter } from '@opentelemetry/sdk-trace-base'
import { dependencyMissingError } from '../errors.ts'
import { createWorkerSpanExporter } from './createWorkerSpanExporter.ts'
import type { TracingSettings } from './resolveTracingSettings.ts'

const require = createRequire(import.meta.url)

/**
 * Creates the OTLP span exporter for the configured protocol: `http/protobuf` (default), `http/json`, or `grpc`
 * (each exporter is loaded only when chosen, so `@grpc/grpc-js` and the OTLP transformer stay out of processes that do not use them). Headers become gRPC
 * metadata for `grpc`.
 *
 * @example
 * createOtlpSpanExporter({ url: 'http://collector:4318/v1/traces', protocol: 'http/protobuf', headers: {},
 *   timeoutMs: 10000, compression: 'none' })
 */
export function createOtlpSpanExporter(otlp: NonNullable<TracingSettings['otlp']>): SpanExporter {
  // The exporters' CompressionAlgorithm enum values are exactly these strings ('gzip' | 'none').
  const compression = otlp.compression as never
  if (otlp.protocol === 'http/json') {
    const http =
      require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')
    return new http.OTLPTraceExporter({
      url: otlp.url,
      headers: { ...otlp.headers },
      timeoutMillis: otlp.timeoutMs,
      compression,
    })
  }
  if (otlp.protocol === 'grpc') {
    // An optional peer dependency: the gRPC stack is only installed by applications that export over gRPC.
    let grpcExporter: typeof import('@opentelemetry/exporter-trace-otlp-grpc')
    let grpc: { Metadata: new () => { set(key: string, value: string): void } }
    try {
      grpcExporter = require('@opentelemetry/exporter-trace-otlp-grpc')
      grpc = createRequire(require.resolve('@opentelemetry/otlp-grpc-exporter-base'))('@grpc/grpc-js')
    } catch (err) {
      throw dependencyMissingError('@opentelemetry/exporter-trace-otlp-grpc', 'OTLP export over gRPC', err)
    }
    const metadata = new grpc.Metadata()
    for (const [k, v] of Object.entries(otlp.headers)) metadata.set(k.toLowerCase(), v)
    return new grpcExporter.OTLPTraceExporter({
      url: otlp.url,
      // biome-ignore lint/suspicious/noExplicitAny: the Metadata class comes from the exporter's own grpc-js copy
      metadata: metadata as any,
      timeoutMillis: otlp.timeoutMs,
      compression,
    })
  }
  // http/protobuf: Lookout's encoder, and the OpenTelemetry transport in a worker thread (createWorkerSpanExporter).
  return createWorkerSpanExporter({
    url: otlp.url,
    headers: otlp.headers,
    timeoutMs: otlp.timeoutMs,
    compression: otlp.compression,
  })
}
