/**
 * Counts the characters the redactor's hand-written scanners visit (separator searches, key and value reads,
 * URL userinfo reads). Tests and `bench/micro/redaction.ts` pass one to check that the work stays proportional to
 * the input whatever its shape.
 *
 * @example
 * const work: ScanWork = { steps: 0 }
 * createStringRedactor({ isSensitiveKey, work })('a=a=a=a')
 * work.steps // a small multiple of 7
 */
export interface ScanWork {
  /** Characters visited so far (add-only). */
  steps: number
}
