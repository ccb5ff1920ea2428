const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]*(?::[^/\s@]*)?@/gi

/**
 * Removes credentials from every URL inside a text (`postgres://user:pw@db/x` → `postgres://***@db/x`), so check
 * outputs and dependency lists can be shown to operators.
 *
 * @example
 * stripCredentials('connect ECONNREFUSED redis://:hunter2@cache:6379') // 'connect ECONNREFUSED redis://***@cache:6379'
 */
export function stripCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1***@')
}

/**
 * The host part of a URL (`host:port`, no credentials, path or query), or `undefined` when the text is not a URL.
 *
 * @example
 * urlHost('postgres://app:secret@db.internal:5432/app') // 'db.internal:5432'
 */
export function urlHost(text: string): string | undefined {
  try {
    const url = new URL(text)
    return url.host === '' ? undefined : url.host
  } catch {
    return undefined
  }
}
