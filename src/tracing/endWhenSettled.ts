import type { Span } from '@opentelemetry/api'

/**
 * Runs `fn` and ends `span` when its result settles: at once for a value or a throw, when the promise settles for
 * a thenable (returned as is, so the caller still sees its rejection). `onError` sees a thrown or rejected error
 * before the span ends.
 *
 * @example
 * return endWhenSettled(span, () => handler(), (error) => recordExceptionOn(span, error, redactor))
 */
export function endWhenSettled<T>(span: Span, fn: () => T, onError?: (error: unknown) => void): T {
  let result: T
  try {
    result = fn()
  } catch (error) {
    onError?.(error)
    span.end()
    throw error
  }
  if (
    result !== null &&
    typeof result === 'object' &&
    typeof (result as { then?: unknown }).then === 'function'
  ) {
    ;(result as unknown as Promise<unknown>).then(
      () => span.end(),
      (error: unknown) => {
        onError?.(error)
        span.end()
      },
    )
    return result
  }
  span.end()
  return result
}
