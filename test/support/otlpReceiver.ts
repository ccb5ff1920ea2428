import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo, Socket } from 'node:net'
import { gunzipSync } from 'node:zlib'

// protobufjs ships with the OTel gRPC exporter (via @grpc/proto-loader); @grpc/grpc-js with it.
const require = createRequire(import.meta.url)
const grpcBase = require.resolve('@opentelemetry/otlp-grpc-exporter-base')
const protobuf = createRequire(require.resolve('@grpc/proto-loader', { paths: [grpcBase] }))(
  'protobufjs',
) as {
  parse(
    text: string,
    options?: { keepCase?: boolean },
  ): {
    root: { lookupType(name: string): ProtoType }
  }
}
const grpc = createRequire(grpcBase)('@grpc/grpc-js') as typeof import('@grpc/grpc-js')

interface ProtoType {
  decode(bytes: Uint8Array): unknown
  toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>
}

// The parts of opentelemetry-proto (v1) the receiver decodes: trace and log export requests.
const PROTO = `
syntax = "proto3";
package otlp;
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3;
  double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
  repeated Event events = 11; uint32 dropped_events_count = 12;
  message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
  repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
}
message Status { string message = 2; int32 code = 3; }
message ExportTraceServiceResponse { }
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; string schema_url = 3; }
message ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; string schema_url = 3; }
message LogRecord {
  fixed64 time_unix_nano = 1; fixed64 observed_time_unix_nano = 11; int32 severity_number = 2; string severity_text = 3;
  AnyValue body = 5; repeated KeyValue attributes = 6; uint32 dropped_attributes_count = 7; fixed32 flags = 8;
  bytes trace_id = 9; bytes span_id = 10; string event_name = 12;
}
`
const root = protobuf.parse(PROTO, { keepCase: false }).root
const TraceRequest = root.lookupType('otlp.ExportTraceServiceRequest')

/** An `ExportTraceServiceRequest` in protobuf, decoded by protobufjs (int64 and fixed64 as strings, bytes as Buffer). */
export function decodeTraceRequest(bytes: Uint8Array): Record<string, unknown> {
  return TraceRequest.toObject(TraceRequest.decode(bytes), { longs: String, bytes: Buffer, oneofs: true })
}
const LogsRequest = root.lookupType('otlp.ExportLogsServiceRequest')

/** One received log record, flattened. */
export interface ReceivedLogRecord {
  /** Hex; `''` when the record has none. */
  readonly traceId: string
  readonly spanId: string
  readonly severityNumber: number
  readonly severityText: string
  readonly body: unknown
  readonly attributes: Readonly<Record<string, unknown>>
  readonly resource: Readonly<Record<string, unknown>>
  readonly scope: string
  readonly timeUnixNano: bigint
  /** Transport it arrived over. */
  readonly via: 'http/protobuf' | 'http/json'
}

/** One received span, flattened. */
export interface ReceivedSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string
  readonly name: string
  /** OTLP kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number
  readonly attributes: Readonly<Record<string, unknown>>
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  readonly status: { readonly code: number; readonly message: string }
  readonly events: readonly {
    readonly name: string
    readonly attributes: Readonly<Record<string, unknown>>
  }[]
  readonly resource: Readonly<Record<string, unknown>>
  readonly scope: string
  readonly startTimeUnixNano: bigint
  readonly endTimeUnixNano: bigint
  /** Transport it arrived over. */
  readonly via: 'http/protobuf' | 'http/json' | 'grpc'
}

/**
 * How the receiver answers: `ok` 200; `fail` 503; `reject` 400 (a request the endpoint will never take);
 * `throttle` 429 with `Retry-After: 1`; `blackhole` accepts the connection and never answers.
 */
export type ReceiverMode = 'ok' | 'fail' | 'reject' | 'throttle' | 'blackhole'

/** A loopback OTLP collector for tests. */
export interface OtlpReceiver {
  /** Base URL (`http://127.0.0.1:port`); traces at `/v1/traces`, metrics at `/v1/metrics`. */
  readonly url: string
  readonly port: number
  readonly spans: ReceivedSpan[]
  /** Log records received (`/v1/logs`), in arrival order. */
  readonly logs: ReceivedLogRecord[]
  /** Decoded OTLP/JSON metric export requests, as received. */
  readonly metricRequests: Record<string, unknown>[]
  /** Requests received (any path, any outcome). */
  readonly requests: {
    path: string
    contentType: string | undefined
    encoding: string | undefined
    headers: Readonly<Record<string, string | string[] | undefined>>
    /** `Date.now()` when the request arrived. */
    at: number
  }[]
  /** Requests refused by the strict contract checks (wrong content type, undecodable body), with the reason. */
  readonly rejected: string[]
  mode: ReceiverMode
  /** Resolves once `predicate` holds over the received spans; rejects after `timeoutMs`. */
  waitForSpans(
    predicate: (spans: readonly ReceivedSpan[]) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedSpan[]>
  /** Resolves once `predicate` holds over the received log records; rejects after `timeoutMs`. */
  waitForLogs(
    predicate: (logs: readonly ReceivedLogRecord[]) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedLogRecord[]>
  /** Resolves once a metrics request has arrived. */
  waitForMetrics(timeoutMs?: number): Promise<Record<string, unknown>[]>
  close(): Promise<void>
}

/**
 * Starts a loopback OTLP/HTTP receiver that enforces the real contract: `POST` only, `Content-Type`
 * `application/x-protobuf` or `application/json`, optional `Content-Encoding: gzip`, a body that decodes as an
 * `ExportTraceServiceRequest`; answers 200 with an empty `ExportTraceServiceResponse` in the request's encoding.
 * Log export requests (`/v1/logs`, `ExportLogsServiceRequest`) are decoded into `logs`. See {@link ReceiverMode}
 * for the failure answers. `port` restarts a receiver on the port a closed one had (a collector coming back).
 *
 * @example
 * const receiver = await startOtlpReceiver(); t.after(() => receiver.close())
 * createLookout({ tracing: { endpoint: receiver.url } })
 */
export async function startOtlpReceiver(port = 0): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = []
  const logs: ReceivedLogRecord[] = []
  const metricRequests: Record<string, unknown>[] = []
  const requests: OtlpReceiver['requests'] = []
  const rejected: string[] = []
  const sockets = new Set<Socket>()
  const waiters = new Set<() => void>()
  const notify = () => {
    for (const w of [...waiters]) w()
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      rejected.push(`internal: ${String(err)}`)
      if (!res.headersSent) res.writeHead(500).end()
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  const receiver: OtlpReceiver = {
    url: '',
    port: 0,
    spans,
    logs,
    metricRequests,
    requests,
    rejected,
    mode: 'ok',
    waitForLogs(predicate, timeoutMs = 10_000) {
      return waitFor(
        () => predicate(logs),
        () => logs,
        timeoutMs,
        `log records (have ${logs.length}: ${logs.map((l) => String(l.body)).join(', ')})`,
      )
    },
    waitForSpans(predicate, timeoutMs = 10_000) {
      return waitFor(
        () => predicate(spans),
        () => spans,
        timeoutMs,
        'spans',
      )
    },
    waitForMetrics(timeoutMs = 10_000) {
      return waitFor(
        () => metricRequests.length > 0,
        () => metricRequests,
        timeoutMs,
        'metrics',
      )
    },
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }

  function waitFor<T>(ready: () => boolean, value: () => T, timeoutMs: number, what: string): Promise<T> {
    if (ready()) return Promise.resolve(value())
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(
          new Error(
            `timed out waiting for ${what}; have ${spans.length} spans: ${spans.map((s) => s.name).join(', ')}`,
          ),
        )
      }, timeoutMs)
      const check = () => {
        if (!ready()) return
        clearTimeout(timer)
        waiters.delete(check)
        resolve(value())
      }
      waiters.add(check)
    })
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const contentType = req.headers['content-type']?.split(';')[0]?.trim()
    const encoding = req.headers['content-encoding']
    requests.push({ path: req.url ?? '', contentType, encoding, headers: req.headers, at: Date.now() })
    if (receiver.mode === 'blackhole') {
      req.resume()
      return // never answer
    }
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    if (receiver.mode === 'fail') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable')
      return
    }
    if (receiver.mode === 'throttle') {
      res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '1' }).end('slow down')
      return
    }
    if (receiver.mode === 'reject') {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request')
      return
    }
    if (req.method !== 'POST') return refuse(res, 405, `method ${req.method}`)
    let body = Buffer.concat(chunks)
    if (encoding === 'gzip') body = gunzipSync(body)
    else if (encoding !== undefined && encoding !== 'identity')
      return refuse(res, 415, `encoding ${encoding}`)
    const path = req.url ?? ''
    if (contentType === 'application/x-protobuf' && path === '/v1/logs') {
      let decoded: Record<string, unknown>
      try {
        decoded = LogsRequest.toObject(LogsRequest.decode(body), {
          longs: String,
          bytes: Buffer,
          oneofs: true,
        })
      } catch (err) {
        return refuse(res, 400, `undecodable protobuf: ${String(err)}`)
      }
      if (!Array.isArray(decoded.resourceLogs)) return refuse(res, 400, 'no resourceLogs')
      logs.push(...flattenLogsRequest(decoded, 'http/protobuf', true))
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.alloc(0))
      notify()
      return
    }
    if (contentType === 'application/x-protobuf') {
      if (path !== '/v1/traces') return refuse(res, 404, `protobuf to ${path}`)
      let decoded: Record<string, unknown>
      try {
        decoded = TraceRequest.toObject(TraceRequest.decode(body), {
          longs: String,
          bytes: Buffer,
          oneofs: true,
        })
      } catch (err) {
        return refuse(res, 400, `undecodable protobuf: ${String(err)}`)
      }
      collect(decoded, 'http/protobuf', true)
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.alloc(0))
      notify()
      return
    }
    if (contentType === 'application/json') {
      let decoded: Record<string, unknown>
      try {
        decoded = JSON.parse(body.toString('utf8'))
      } catch {
        return refuse(res, 400, 'invalid JSON')
      }
      if (path === '/v1/metrics') {
        if (!Array.isArray(decoded.resourceMetrics)) return refuse(res, 400, 'no resourceMetrics')
        metricRequests.push(decoded)
      } else if (path === '/v1/traces') {
        if (!Array.isArray(decoded.resourceSpans)) return refuse(res, 400, 'no resourceSpans')
        collect(decoded, 'http/json', false)
      } else if (path === '/v1/logs') {
        if (!Array.isArray(decoded.resourceLogs)) return refuse(res, 400, 'no resourceLogs')
        const received = flattenLogsRequest(decoded, 'http/json', false)
        // OTLP/JSON: ids are lowercase hex (not base64), timestamps decimal strings.
        const bad = received.find(
          (l) =>
            (l.traceId !== '' && !/^[0-9a-f]{32}$/.test(l.traceId)) ||
            (l.spanId !== '' && !/^[0-9a-f]{16}$/.test(l.spanId)),
        )
        if (bad !== undefined) return refuse(res, 400, `ids not hex: ${bad.traceId}/${bad.spanId}`)
        logs.push(...received)
      } else return refuse(res, 404, `json to ${path}`)
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      notify()
      return
    }
    return refuse(res, 415, `content-type ${String(contentType)}`)
  }

  function refuse(res: ServerResponse, status: number, reason: string): void {
    rejected.push(reason)
    res.writeHead(status, { 'content-type': 'text/plain' }).end(reason)
  }

  function collect(request: Record<string, unknown>, via: ReceivedSpan['via'], binaryIds: boolean): void {
    spans.push(...flattenTraceRequest(request, via, binaryIds))
  }

  server.listen(port, '127.0.0.1')
  await once(server, 'listening')
  const bound = (server.address() as AddressInfo).port
  Object.assign(receiver, { url: `http://127.0.0.1:${bound}`, port: bound })
  return receiver
}

/** Flattens a decoded `ExportLogsServiceRequest` (protobuf object or OTLP/JSON) into log records. */
export function flattenLogsRequest(
  request: Record<string, unknown>,
  via: ReceivedLogRecord['via'],
  binaryIds: boolean,
): ReceivedLogRecord[] {
  const out: ReceivedLogRecord[] = []
  const id = (v: unknown): string =>
    binaryIds ? Buffer.from((v as Uint8Array | undefined) ?? []).toString('hex') : String(v ?? '')
  for (const rl of (request.resourceLogs as Record<string, unknown>[]) ?? []) {
    const resource = attrs(((rl.resource as Record<string, unknown>)?.attributes as unknown[]) ?? [])
    for (const sl of (rl.scopeLogs as Record<string, unknown>[]) ?? []) {
      const scope = String((sl.scope as Record<string, unknown>)?.name ?? '')
      for (const r of (sl.logRecords as Record<string, unknown>[]) ?? []) {
        out.push({
          traceId: id(r.traceId),
          spanId: id(r.spanId),
          severityNumber: Number(r.severityNumber ?? 0),
          severityText: String(r.severityText ?? ''),
          body: anyValue(r.body as Record<string, unknown> | undefined),
          attributes: attrs((r.attributes as unknown[]) ?? []),
          resource,
          scope,
          timeUnixNano: BigInt(String(r.timeUnixNano ?? 0)),
          via,
        })
      }
    }
  }
  return out
}

/** Flattens a decoded `ExportTraceServiceRequest` (protobuf object or OTLP/JSON) into spans. */
export function flattenTraceRequest(
  request: Record<string, unknown>,
  via: ReceivedSpan['via'],
  binaryIds: boolean,
): ReceivedSpan[] {
  const out: ReceivedSpan[] = []
  const id = (v: unknown): string =>
    binaryIds ? Buffer.from((v as Uint8Array | undefined) ?? []).toString('hex') : String(v ?? '')
  for (const rs of (request.resourceSpans as Record<string, unknown>[]) ?? []) {
    const resource = attrs(((rs.resource as Record<string, unknown>)?.attributes as unknown[]) ?? [])
    for (const ss of (rs.scopeSpans as Record<string, unknown>[]) ?? []) {
      const scope = String((ss.scope as Record<string, unknown>)?.name ?? '')
      for (const s of (ss.spans as Record<string, unknown>[]) ?? []) {
        const status = (s.status as Record<string, unknown>) ?? {}
        out.push({
          traceId: id(s.traceId),
          spanId: id(s.spanId),
          parentSpanId: id(s.parentSpanId),
          name: String(s.name),
          kind: Number(s.kind ?? 0),
          attributes: attrs((s.attributes as unknown[]) ?? []),
          status: { code: Number(status.code ?? 0), message: String(status.message ?? '') },
          events: ((s.events as Record<string, unknown>[]) ?? []).map((e) => ({
            name: String(e.name),
            attributes: attrs((e.attributes as unknown[]) ?? []),
          })),
          resource,
          scope,
          startTimeUnixNano: BigInt(String(s.startTimeUnixNano ?? 0)),
          endTimeUnixNano: BigInt(String(s.endTimeUnixNano ?? 0)),
          via,
        })
      }
    }
  }
  return out
}

function attrs(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const kv of list as { key: string; value?: Record<string, unknown> }[])
    out[kv.key] = anyValue(kv.value)
  return out
}

function anyValue(v: Record<string, unknown> | undefined): unknown {
  if (v === undefined || v === null) return undefined
  // protobuf (oneofs: true) names the set member in `value`; OTLP/JSON has exactly one member.
  const key = typeof v.value === 'string' ? v.value : Object.keys(v).find((k) => k.endsWith('Value'))
  if (key === undefined) return undefined
  const raw = v[key]
  switch (key) {
    case 'intValue':
    case 'doubleValue':
      return Number(raw)
    case 'arrayValue':
      return (((raw as Record<string, unknown>)?.values as Record<string, unknown>[]) ?? []).map(anyValue)
    case 'kvlistValue':
      return attrs(((raw as Record<string, unknown>)?.values as unknown[]) ?? [])
    default:
      return raw
  }
}

/** A loopback OTLP/gRPC receiver (TraceService/Export) feeding the same span list. */
export interface OtlpGrpcReceiver {
  readonly url: string
  readonly spans: ReceivedSpan[]
  waitForSpans(
    predicate: (spans: readonly ReceivedSpan[]) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedSpan[]>
  close(): Promise<void>
}

/**
 * Starts an OTLP/gRPC receiver on loopback (insecure) implementing
 * `opentelemetry.proto.collector.trace.v1.TraceService/Export`.
 *
 * @example
 * const r = await startOtlpGrpcReceiver(); createLookout({ tracing: { endpoint: r.url, protocol: 'grpc' } })
 */
export async function startOtlpGrpcReceiver(): Promise<OtlpGrpcReceiver> {
  const spans: ReceivedSpan[] = []
  const waiters = new Set<() => void>()
  const server = new grpc.Server()
  const identity = (b: Buffer) => b
  server.addService(
    {
      Export: {
        path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    {
      Export(call: { request: Buffer }, callback: (err: Error | null, value?: Buffer) => void) {
        try {
          const decoded = TraceRequest.toObject(TraceRequest.decode(call.request), {
            longs: String,
            bytes: Buffer,
            oneofs: true,
          })
          spans.push(...flattenTraceRequest(decoded, 'grpc', true))
          callback(null, Buffer.alloc(0))
          for (const w of [...waiters]) w()
        } catch (err) {
          callback(err as Error)
        }
      },
    } as never,
  )
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  )
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    waitForSpans(predicate, timeoutMs = 10_000) {
      if (predicate(spans)) return Promise.resolve(spans)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`timed out waiting for gRPC spans; have ${spans.length}`))
        }, timeoutMs)
        const check = () => {
          if (!predicate(spans)) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve(spans)
        }
        waiters.add(check)
      })
    },
    close() {
      return new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve())
        setTimeout(() => {
          server.forceShutdown()
          resolve()
        }, 2000).unref()
      })
    },
  }
}
