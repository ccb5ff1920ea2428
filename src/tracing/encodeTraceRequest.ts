import type { Attributes, AttributeValue, HrTime } from '@opentelemetry/api'
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base'
import { EncodedKeyValues, type PrimitiveAttributeValue } from './encodedKeyValues.ts'
import { ProtobufWriter } from './protobufWriter.ts'

type Resource = ReadableSpan['resource']
type Scope = ReadableSpan['instrumentationScope']

// Span flags (opentelemetry-proto SpanFlags): the low byte is the W3C trace flags; bit 8 says whether the parent
// is known to be remote, bit 9 that it is.
const HAS_IS_REMOTE = 0x100
const IS_REMOTE = 0x200
const INT64_MIN = -(2 ** 63)
const INT64_MAX = 2 ** 63

/** Attribute pairs already encoded (most of a server span's attributes repeat from request to request). */
const keyValues = new EncodedKeyValues()

/** A Resource message's bytes, made once per resource object (every span of a process shares one). */
const resourceBytes = new WeakMap<Resource, Uint8Array>()

/**
 * An OTLP `ExportTraceServiceRequest` (opentelemetry-proto v1) in protobuf, from SDK spans: spans grouped by
 * resource, then by instrumentation scope, each field as the OpenTelemetry JS serializer writes it (span kind
 * offset by one, `flags` carrying the parent's remoteness, integers as `int_value`, other numbers as
 * `double_value`). It costs a fraction of that serializer's time: strings are encoded natively, ids written from
 * hex natively, the resource (the same for every span) encoded once, an attribute pair seen before copied from its
 * earlier encoding ({@link EncodedKeyValues}), and each message written in one pass.
 *
 * The request is written into `writer` (emptied first) and returned as a copy of its size: an exporter that keeps
 * one writer reuses its buffer from batch to batch instead of allocating one the size of every batch.
 *
 * @example
 * const body = encodeTraceRequest(spans) // POST to /v1/traces as application/x-protobuf
 */
export function encodeTraceRequest(
  spans: readonly ReadableSpan[],
  writer: ProtobufWriter = new ProtobufWriter(Math.max(4096, spans.length * 512)),
): Uint8Array<ArrayBuffer> {
  const byResource = new Map<Resource, Map<Scope, ReadableSpan[]>>()
  for (const span of spans) {
    let byScope = byResource.get(span.resource)
    if (byScope === undefined) {
      byScope = new Map()
      byResource.set(span.resource, byScope)
    }
    const list = byScope.get(span.instrumentationScope)
    if (list === undefined) byScope.set(span.instrumentationScope, [span])
    else list.push(span)
  }
  const w = writer
  w.reset()
  for (const [resource, byScope] of byResource) {
    const rs = w.begin(1)
    writeResource(w, resource)
    for (const [scope, list] of byScope) {
      const ss = w.begin(2)
      writeScope(w, scope)
      for (const span of list) writeSpan(w, span)
      if (scope.schemaUrl) w.string(3, scope.schemaUrl)
      w.end(ss)
    }
    if (resource.schemaUrl) w.string(3, resource.schemaUrl)
    w.end(rs)
  }
  // A copy the size of the request: the writer's buffer is larger, and is written again by the next batch.
  return new Uint8Array(w.finish())
}

function writeResource(w: ProtobufWriter, resource: Resource): void {
  let bytes = resourceBytes.get(resource)
  if (bytes === undefined) {
    const r = new ProtobufWriter(1024)
    const at = r.begin(1)
    if (resource.attributes) writeAttributes(r, resource.attributes, 1)
    r.tag(2, 0)
    r.varint(0)
    r.end(at)
    bytes = new Uint8Array(r.finish())
    // Attributes still being detected (asynchronous resource detectors) may change: not kept until settled.
    if (resource.asyncAttributesPending !== true) resourceBytes.set(resource, bytes)
  }
  w.raw(bytes)
}

function writeScope(w: ProtobufWriter, scope: Scope): void {
  const at = w.begin(1)
  w.string(1, scope.name)
  if (scope.version) w.string(2, scope.version)
  const extra = scope as { attributes?: Attributes; droppedAttributesCount?: number }
  if (extra.attributes) writeAttributes(w, extra.attributes, 3)
  if (extra.droppedAttributesCount) {
    w.tag(4, 0)
    w.varint(extra.droppedAttributesCount)
  }
  w.end(at)
}

function writeSpan(w: ProtobufWriter, span: ReadableSpan): void {
  const at = w.begin(2)
  const ctx = span.spanContext()
  w.hexBytes(1, ctx.traceId)
  w.hexBytes(2, ctx.spanId)
  const traceState = ctx.traceState?.serialize()
  if (traceState) w.string(3, traceState)
  const parent = span.parentSpanContext
  if (parent?.spanId) w.hexBytes(4, parent.spanId)
  w.string(5, span.name)
  // The API's SpanKind starts at INTERNAL = 0; the proto's at SPAN_KIND_UNSPECIFIED = 0.
  const kind = span.kind == null ? 0 : span.kind + 1
  if (kind !== 0) {
    w.tag(6, 0)
    w.varint(kind)
  }
  w.tag(7, 1)
  writeHrTime(w, span.startTime)
  w.tag(8, 1)
  writeHrTime(w, span.endTime)
  if (span.attributes) writeAttributes(w, span.attributes, 9)
  w.tag(10, 0)
  w.varint(span.droppedAttributesCount)
  for (const event of span.events) writeEvent(w, event)
  w.tag(12, 0)
  w.varint(span.droppedEventsCount)
  for (const link of span.links) {
    const l = w.begin(13)
    const lc = link.context
    w.hexBytes(1, lc.traceId)
    w.hexBytes(2, lc.spanId)
    const linkState = lc.traceState?.serialize()
    if (linkState) w.string(3, linkState)
    if (link.attributes) writeAttributes(w, link.attributes, 4)
    w.tag(5, 0)
    w.varint(link.droppedAttributesCount ?? 0)
    w.tag(6, 5)
    w.fixed32(spanFlags(lc.traceFlags, lc.isRemote))
    w.end(l)
  }
  w.tag(14, 0)
  w.varint(span.droppedLinksCount)
  const status = w.begin(15)
  if (span.status.message) w.string(2, span.status.message)
  w.tag(3, 0)
  w.varint(span.status.code)
  w.end(status)
  w.tag(16, 5)
  w.fixed32(spanFlags(ctx.traceFlags, parent?.isRemote))
  w.end(at)
}

function writeEvent(w: ProtobufWriter, event: TimedEvent): void {
  const at = w.begin(11)
  w.tag(1, 1)
  writeHrTime(w, event.time)
  w.string(2, event.name)
  if (event.attributes) writeAttributes(w, event.attributes, 3)
  w.tag(4, 0)
  w.varint(event.droppedAttributesCount ?? 0)
  w.end(at)
}

function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | HAS_IS_REMOTE | (isRemote ? IS_REMOTE : 0)
}

/** `seconds * 1e9 + nanos` as fixed64, exact: `seconds * 1e9` alone passes 2^53 for present-day times. */
function writeHrTime(w: ProtobufWriter, time: HrTime): void {
  const seconds = time[0]
  const nanos = time[1]
  const lowPart = (seconds & 0xffff) * 1e9 // < 2^53
  const highPart = Math.floor(seconds / 0x10000) * 1e9 // < 2^53, to be shifted left by 16 bits
  const low = (lowPart >>> 0) + (((highPart & 0xffff) * 0x10000) >>> 0) + nanos
  const high =
    Math.floor(lowPart / 0x100000000) + Math.floor(highPart / 0x10000) + Math.floor(low / 0x100000000)
  w.fixed64(low >>> 0, high >>> 0)
}

function writeAttributes(w: ProtobufWriter, attributes: Attributes, field: number): void {
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue
    const value = attributes[key]
    // The value as a cache key, when it is of a kind the cache keeps.
    const kept = keyValues.keeps(value) ? (value as PrimitiveAttributeValue) : undefined
    if (kept !== undefined) {
      const body = keyValues.get(key, kept)
      if (body !== undefined) {
        w.bytes(field, body)
        continue
      }
    }
    const kv = w.begin(field)
    w.string(1, key)
    const any = w.begin(2)
    writeAnyValue(w, value)
    w.end(any)
    w.end(kv)
    if (kept !== undefined && keyValues.hasRoom(key)) {
      const body = w.bodyOf(kv)
      if (body !== undefined) keyValues.add(key, kept, body)
    }
  }
}

function writeAnyValue(w: ProtobufWriter, value: AttributeValue | unknown): void {
  switch (typeof value) {
    case 'string':
      w.string(1, value)
      return
    case 'boolean':
      w.tag(2, 0)
      w.varint(value ? 1 : 0)
      return
    case 'number':
      if (Number.isInteger(value) && value >= INT64_MIN && value < INT64_MAX) {
        w.tag(3, 0)
        w.varint64(value)
      } else {
        w.tag(4, 1)
        w.double(value)
      }
      return
    default:
  }
  if (value instanceof Uint8Array) {
    w.bytes(7, value)
  } else if (Array.isArray(value)) {
    const list = w.begin(5)
    for (const item of value) {
      const v = w.begin(1)
      writeAnyValue(w, item)
      w.end(v)
    }
    w.end(list)
  } else if (typeof value === 'object' && value !== null) {
    const list = w.begin(6)
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue
      const kv = w.begin(1)
      w.string(1, key)
      const v = w.begin(2)
      writeAnyValue(w, (value as Record<string, unknown>)[key])
      w.end(v)
      w.end(kv)
    }
    w.end(list)
  }
  // null, undefined and anything else: an empty AnyValue, as the OpenTelemetry serializer writes it.
}
