import { isCredentialQueryKey } from '../redact/credentialQueryKey.ts'
import type { SpanRedactor } from './spanRedactor.ts'

/**
 * Redacts a URL query string for `url.query` / `url.full`: values of credential-like keys
 * ({@link isCredentialQueryKey}) and of the redactor's sensitive keys become `REDACTED` (the OTel
 * semantic-conventions guidance), every other value goes through the redactor's value patterns. Keys are kept.
 *
 * @example
 * redactQuery('q=shoes&access_token=abc', redactor) // 'q=shoes&access_token=REDACTED'
 */
export function redactQuery(query: string, redactor: SpanRedactor): string {
  if (query === '') return query
  const parts = query.split('&')
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    const eq = part.indexOf('=')
    if (eq === -1) continue
    const key = part.slice(0, eq)
    let decodedKey = key
    try {
      decodedKey = decodeURIComponent(key)
    } catch {
      // keep the raw key
    }
    if (isCredentialQueryKey(decodedKey) || redactor.isSensitiveKey?.(decodedKey) === true) {
      parts[i] = `${key}=REDACTED`
      continue
    }
    const raw = part.slice(eq + 1)
    let value = raw
    try {
      value = decodeURIComponent(raw.replace(/\+/g, ' '))
    } catch {
      // keep raw
    }
    const redacted = redactor.redactString(value)
    if (redacted !== value) parts[i] = `${key}=${encodeURIComponent(redacted)}`
  }
  return parts.join('&')
}
