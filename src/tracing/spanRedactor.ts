/**
 * What tracing needs from the shared redactor (`src/redact/`, the same rules as logs and alert payloads): every
 * span attribute value and exception message passes through it.
 */
export interface SpanRedactor {
  /** Redacts any value (objects by key, strings by pattern). Never throws. */
  redact(value: unknown): unknown
  /** Redacts value patterns (emails, tokens, card numbers …) in a string. Never throws. */
  redactString(s: string): string
  /** Whether a key name is sensitive (its value is always replaced). */
  isSensitiveKey?(key: string): boolean
}
