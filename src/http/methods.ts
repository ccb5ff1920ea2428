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
  // Node's parser hands out its own constant strings for the common methods: a switch is a few pointer compares.
  switch (method) {
    case 'GET':
    case 'POST':
    case 'PUT':
    case 'DELETE':
    case 'PATCH':
    case 'HEAD':
    case 'OPTIONS':
      return method
  }
  if (KNOWN_METHODS.has(method)) return method
  const upper = method.toUpperCase()
  return KNOWN_METHODS.has(upper) ? upper : OTHER_METHOD
}
