import type { ResolvedConfig } from '../config/schema.ts'

/** OTLP transport. */
export type OtlpProtocol = 'grpc' | 'http/protobuf' | 'http/json'

/** Sampler name as in `OTEL_TRACES_SAMPLER`. */
export type SamplerName = NonNullable<ResolvedConfig['tracing']['sampler']>

/** The decisions behind a tracing set-up, derived once from the resolved config (pure, testable). */
export interface TracingSettings {
  /** Spans are created at all (`enabled` and not `OTEL_SDK_DISABLED`). */
  readonly enabled: boolean
  readonly sampler: SamplerName
  /** Ratio for the ratio samplers (1 when unset). */
  readonly ratio: number
  /** OTLP export target, or `undefined` when nothing is exported over OTLP. */
  readonly otlp:
    | {
        readonly url: string
        readonly protocol: OtlpProtocol
        readonly headers: Readonly<Record<string, string>>
        readonly timeoutMs: number
        readonly compression: 'gzip' | 'none'
      }
    | undefined
  /** Print spans to stdout. */
  readonly console: boolean
  /** Propagators to use, in order (`tracecontext`, `baggage`). */
  readonly propagators: readonly ('tracecontext' | 'baggage')[]
  /** Propagator names given but not supported (reported once at start-up). */
  readonly unsupportedPropagators: readonly string[]
  /** Header for the request id on outbound calls, or `undefined` when disabled. */
  readonly outboundRequestIdHeader: string | undefined
  /** OTLP metrics push target, or `undefined`. */
  readonly metricsPush:
    | {
        readonly url: string
        readonly headers: Readonly<Record<string, string>>
        readonly timeoutMs: number
        readonly intervalMs: number
      }
    | undefined
}

const GRPC_PORT = '4317'

/**
 * Derives what to build from the `tracing` section: the effective sampler (a ratio alone means
 * `parentbased_traceidratio`), the OTLP URL (`/v1/traces` appended to a base endpoint for HTTP, a per-signal
 * endpoint used as-is), the protocol (default `http/protobuf`, or `grpc` for a base endpoint on port 4317 — the
 * port `OTLP_ENDPOINT` usually points at), and the exporters (OTLP when an endpoint is set).
 *
 * @example
 * resolveTracingSettings(resolveConfig({ tracing: { endpoint: 'http://collector:4318', sampleRate: 0.1 } })).otlp?.url
 * // 'http://collector:4318/v1/traces'
 */
export function resolveTracingSettings(config: ResolvedConfig): TracingSettings {
  const t = config.tracing
  const enabled = t.enabled && !t.sdkDisabled
  const sampler: SamplerName =
    t.sampler ?? (t.sampleRate === undefined ? 'parentbased_always_on' : 'parentbased_traceidratio')
  const ratio = t.sampleRate ?? 1
  const exporters = t.exporters
  const base = t.tracesEndpoint ?? t.endpoint
  const wantOtlp = exporters === undefined ? base !== undefined : exporters.includes('otlp')
  const protocol: OtlpProtocol =
    t.protocol ??
    (t.tracesEndpoint === undefined && base !== undefined && portOf(base) === GRPC_PORT
      ? 'grpc'
      : 'http/protobuf')
  const headers = { ...(t.headers ?? {}) }
  let otlp: TracingSettings['otlp']
  if (wantOtlp) {
    const url =
      t.tracesEndpoint ??
      (protocol === 'grpc'
        ? (t.endpoint ?? 'http://localhost:4317')
        : appendPath(t.endpoint ?? 'http://localhost:4318', 'v1/traces'))
    otlp = { url, protocol, headers, timeoutMs: t.timeoutMs, compression: t.compression }
  }
  const propagators: ('tracecontext' | 'baggage')[] = []
  const unsupported: string[] = []
  for (const raw of t.propagators) {
    const name = raw.toLowerCase()
    if (name === 'tracecontext' || name === 'baggage') {
      if (!propagators.includes(name)) propagators.push(name)
    } else if (name !== 'none') unsupported.push(raw)
  }
  if (t.propagators.some((p) => p.toLowerCase() === 'none')) propagators.length = 0
  const outboundHeader = t.outbound.requestIdHeader ?? config.http.requestIdHeader
  const m = t.metricsExport
  let metricsPush: TracingSettings['metricsPush']
  if (!t.sdkDisabled && m.exporter === 'otlp') {
    // The installed metrics exporter speaks OTLP/HTTP JSON; a gRPC base endpoint (:4317) maps to its HTTP port.
    let httpBase = t.endpoint ?? 'http://localhost:4318'
    if (portOf(httpBase) === GRPC_PORT) httpBase = httpBase.replace(`:${GRPC_PORT}`, ':4318')
    const url = m.endpoint ?? appendPath(httpBase, 'v1/metrics')
    metricsPush = { url, headers, timeoutMs: t.timeoutMs, intervalMs: m.intervalMs }
  }
  return {
    enabled,
    sampler,
    ratio,
    otlp: enabled ? otlp : undefined,
    console: enabled && (t.console || (exporters?.includes('console') ?? false)),
    propagators,
    unsupportedPropagators: unsupported,
    outboundRequestIdHeader: outboundHeader === '' ? undefined : outboundHeader,
    metricsPush,
  }
}

function portOf(url: string): string | undefined {
  try {
    return new URL(url).port
  } catch {
    return undefined
  }
}

/** `http://c:4318` + `v1/traces` → `http://c:4318/v1/traces`; `http://c/otlp/` → `http://c/otlp/v1/traces`. */
export function appendPath(base: string, path: string): string {
  return base.endsWith('/') ? `${base}${path}` : `${base}/${path}`
}
