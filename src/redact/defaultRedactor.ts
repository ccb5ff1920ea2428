import { createRedactor, type Redactor } from './createRedactor.ts'

let instance: Redactor | undefined

/**
 * The shared redactor with default options (no extra keys, emails replaced, 16 384-character strings). For code
 * that has no Lookout instance at hand; an instance's own redactor (`lookout.redactor`) adds the configured keys.
 *
 * @example
 * import { getDefaultRedactor } from 'lookout'
 * getDefaultRedactor().redactString('call +1 415 555 2671') // 'call [REDACTED_PHONE]'
 */
export function getDefaultRedactor(): Redactor {
  instance ??= createRedactor()
  return instance
}

/**
 * Redacts a URL or path with the default redactor (sensitive query parameters, PII in path and values).
 *
 * @example
 * redactUrl('/reset?token=abc123&page=2') // '/reset?token=[REDACTED]&page=2'
 */
export function redactUrl(url: string): string {
  return getDefaultRedactor().redactUrl(url)
}
