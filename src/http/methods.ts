/** Methods reported as themselves; anything else is `_OTHER` (OTel HTTP semantic conventions). */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
])

/** Label value for a method outside {@link KNOWN_METHODS}. */
export const OTHER_METHOD = '_OTHER'

/**
 * The method label: known methods as-is (upper case), everything else `_OTHER`, so a method scan cannot mint series.
 *
 * @example
 * normalizeMethod('get') // 'GET'
 * normalizeMethod('PROPFIND') // '_OTHER'
 */
export function normalizeMethod(method: string | undefined): string {
  if (method === undefined) return OTHER_METHOD
  if (KNOWN_METHODS.has(method)) return method
  const upper = method.toUpperCase()
  return KNOWN_METHODS.has(upper) ? upper : OTHER_METHOD
}
