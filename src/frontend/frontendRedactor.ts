/**
 * What the front-end routes need from the shared redactor (`createRedactor` in `src/redact/`): structural
 * redaction for report bodies and a string check for public event values. Never throws.
 *
 * @example
 * const redactor: FrontendRedactor = createRedactor(config.logging.redact)
 * redactor.redactString('mail me at a@b.co') // 'mail me at [REDACTED_EMAIL]'
 */
export interface FrontendRedactor {
  redact(value: unknown): unknown
  redactString(value: string): string
}
