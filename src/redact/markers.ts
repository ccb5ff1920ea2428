/**
 * The markers that replace redacted content. Stable strings: dashboards and tests search for them.
 *
 * @example
 * REDACTION_MARKERS.email // '[REDACTED_EMAIL]'
 */
export const REDACTION_MARKERS = Object.freeze({
  /** Value of a sensitive key, a sensitive query parameter or `key=value` pair. */
  key: '[REDACTED]',
  email: '[REDACTED_EMAIL]',
  phone: '[REDACTED_PHONE]',
  card: '[REDACTED_CARD]',
  ssn: '[REDACTED_SSN]',
  jwt: '[REDACTED_JWT]',
  /** Credential after `Bearer ` / `Basic `. */
  token: '[REDACTED_TOKEN]',
  awsKey: '[REDACTED_AWS_KEY]',
  /** Password in URL userinfo (`postgres://user:[REDACTED_PASSWORD]@db`). */
  password: '[REDACTED_PASSWORD]',
  /** Userinfo without a password (`https://[REDACTED_USERINFO]@github.com`). */
  userinfo: '[REDACTED_USERINFO]',
  /** Binary content (Buffers, typed arrays) is never copied. */
  binary: '[Binary]',
  circular: '[Circular]',
  /** A getter or proxy threw while reading. */
  unreadable: '[Unreadable]',
  /** Nesting deeper than `maxDepth`. */
  depth: '[MaxDepth]',
} as const)

/**
 * The marker of a custom value pattern: `[REDACTED_<NAME>]`, the name upper-cased like the built-in ones.
 *
 * @example
 * customMarker('customer_id') // '[REDACTED_CUSTOMER_ID]'
 */
export function customMarker(name: string): string {
  return `[REDACTED_${name.toUpperCase()}]`
}

/** Suffix appended to strings cut at `maxStringLength`. */
export function truncatedSuffix(dropped: number): string {
  return `…[TRUNCATED ${dropped} chars]`
}
