/** What {@link parseKeyValueList} found. */
export type KeyValueListResult =
  | { readonly ok: true; readonly value: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly message: string }

/**
 * Parses the OpenTelemetry `key1=value1,key2=value2` list format used by `OTEL_RESOURCE_ATTRIBUTES` and
 * `OTEL_EXPORTER_OTLP_HEADERS`: keys and values are trimmed and percent-decoded; blank entries are skipped. Per the
 * OTel spec a malformed entry (no `=`, empty key, bad percent escape) invalidates the whole value, so the result
 * is an error naming the first bad entry position — never the value itself, which may be a secret.
 *
 * @example
 * parseKeyValueList('service.name=identity,deployment.environment=prod%20eu')
 * // → { ok: true, value: { 'service.name': 'identity', 'deployment.environment': 'prod eu' } }
 */
export function parseKeyValueList(text: string): KeyValueListResult {
  const out: Record<string, string> = {}
  const entries = text.split(',')
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!.trim()
    if (entry === '') continue
    const eq = entry.indexOf('=')
    if (eq <= 0) return { ok: false, message: `entry ${i + 1} is not of the form key=value` }
    let key: string
    let value: string
    try {
      key = decodeURIComponent(entry.slice(0, eq).trim())
      value = decodeURIComponent(entry.slice(eq + 1).trim())
    } catch {
      return { ok: false, message: `entry ${i + 1} has an invalid percent-encoding` }
    }
    if (key === '') return { ok: false, message: `entry ${i + 1} has an empty key` }
    out[key] = value
  }
  return { ok: true, value: out }
}
