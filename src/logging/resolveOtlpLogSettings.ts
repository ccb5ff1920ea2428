import type { ResolvedConfig } from '../config/schema.ts'
import { configInvalidError } from '../errors.ts'

/** Where and how log records leave over OTLP, derived once from the resolved config. */
export interface OtlpLogSettings {
  /** The logs URL (`…/v1/logs`). */
  readonly url: string
  readonly protocol: 'http/protobuf' | 'http/json'
  readonly headers: Readonly<Record<string, string>>
  readonly timeoutMs: number
  readonly compression: 'gzip' | 'none'
  /** Lowest pino level exported. */
  readonly minLevel: string
}

const GRPC_PORT = '4317'

/**
 * Decides whether log records leave over OTLP and where: on when `logging.otlp.exporter` (`OTEL_LOGS_EXPORTER`)
 * is `otlp`, or when it is unset and a logs endpoint is configured; off under `OTEL_SDK_DISABLED`. The logs
 * endpoint (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`) is used as-is; otherwise `/v1/logs` is appended to the generic
 * base endpoint (`tracing.endpoint`, `OTEL_EXPORTER_OTLP_ENDPOINT`) — moved from the gRPC port 4317 to the HTTP
 * port 4318 — or to `http://localhost:4318`. Throws `LOOKOUT_ERR_CONFIG_INVALID` when the protocol resolves to
 * `grpc`, which Lookout does not speak for logs.
 *
 * @example
 * resolveOtlpLogSettings(resolveConfig({ logging: { otlp: { exporter: 'otlp' } }, tracing: { endpoint: 'http://c:4318' } }))?.url
 * // 'http://c:4318/v1/logs'
 */
export function resolveOtlpLogSettings(config: ResolvedConfig): OtlpLogSettings | undefined {
  const o = config.logging.otlp
  const exporter = o.exporter ?? (o.endpoint !== undefined ? 'otlp' : 'none')
  if (exporter !== 'otlp' || config.tracing.sdkDisabled || o.minLevel === 'silent') return undefined
  if (o.protocol === 'grpc')
    throw configInvalidError([
      {
        path: 'logging.otlp.protocol',
        message:
          'log records are exported over OTLP/HTTP only: set OTEL_EXPORTER_OTLP_LOGS_PROTOCOL (logging.otlp.protocol) to http/protobuf or http/json',
      },
    ])
  let url = o.endpoint
  if (url === undefined) {
    let base = config.tracing.endpoint ?? 'http://localhost:4318'
    const parsed = new URL(base)
    if (parsed.port === GRPC_PORT) {
      parsed.port = '4318'
      base = parsed.toString()
    }
    url = base.endsWith('/') ? `${base}v1/logs` : `${base}/v1/logs`
  }
  return {
    url,
    protocol: o.protocol ?? 'http/protobuf',
    headers: { ...(o.headers ?? {}) },
    timeoutMs: o.timeoutMs,
    compression: o.compression,
    minLevel: o.minLevel,
  }
}
