/** Longest envelope header line read (real ones are a few hundred bytes). */
export const MAX_ENVELOPE_HEADER_BYTES = 16_384

/**
 * Reads only the first line of a Sentry envelope and returns its `dsn`, or `undefined` when
 * the line is missing, too long, not a JSON object, or has no string `dsn`. The rest of the body is never
 * parsed. Never throws.
 *
 * @example
 * readEnvelopeHeader(Buffer.from('{"dsn":"https://k@o1.ingest.sentry.io/1"}\n{"type":"event"}\n{}'))
 * // { dsn: 'https://k@o1.ingest.sentry.io/1' }
 */
export function readEnvelopeHeader(body: Uint8Array | undefined): { dsn: string } | undefined {
  if (body === undefined || body.length === 0) return undefined
  let end = body.subarray(0, MAX_ENVELOPE_HEADER_BYTES + 1).indexOf(0x0a)
  if (end === -1) {
    if (body.length > MAX_ENVELOPE_HEADER_BYTES) return undefined
    end = body.length
  }
  let header: unknown
  try {
    header = JSON.parse(Buffer.from(body.buffer, body.byteOffset, end).toString('utf8'))
  } catch {
    return undefined
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return undefined
  const dsn = (header as Record<string, unknown>).dsn
  return typeof dsn === 'string' ? { dsn } : undefined
}
