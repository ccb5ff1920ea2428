import { detachedCopy } from '../util/detachedCopy.ts'

/**
 * Key names whose values are always replaced, whatever they hold. Keys are compared after
 * {@link normalizeKey} (lower case, `-`, `_`, `.` and spaces removed), so `Set-Cookie`, `set_cookie` and
 * `setCookie` are one entry.
 *
 * @example
 * DEFAULT_SENSITIVE_KEYS.includes('password') // true
 */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = Object.freeze([
  'password',
  'passwd',
  'pwd',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth_token',
  'session_token',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'api_key',
  'apikey',
  'x-api-key',
  'private_key',
  'client_secret',
  'session',
  'session_id',
  'sessionid',
  'ssn',
  'social_security_number',
  'credit_card',
  'card_number',
  'cc_number',
  'cvv',
  'cvc',
  'otp',
  'mfa_code',
  'jwt',
  'credentials',
  'passphrase',
  'aws_secret_access_key',
  'secret_key',
  'signing_key',
  'encryption_key',
  'connection_string',
  'x-csrf-token',
  'csrf_token',
  'xsrf_token',
])

/**
 * Fragments that make any key sensitive when the normalised key *contains* them (`password_hash`,
 * `webhookSecret`).
 */
export const SENSITIVE_KEY_FRAGMENTS: readonly string[] = Object.freeze(['password', 'passwd', 'secret'])

/**
 * Endings that make any key sensitive (`csrf_token`, `x-api-key`, `githubAccessKey`). `token` matches, `tokens`
 * (counts such as `prompt_tokens`) does not.
 */
export const SENSITIVE_KEY_SUFFIXES: readonly string[] = Object.freeze([
  'token',
  'apikey',
  'privatekey',
  'accesskey',
  'secretkey',
  'sessionid',
  'cookie',
  'creditcard',
  'cardnumber',
  'passphrase',
  'authorization',
])

/**
 * The comparison form of a key: lower case without `-`, `_`, `.` and spaces.
 *
 * @example
 * normalizeKey('X-Api-Key') // 'xapikey'
 */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '')
}

/**
 * Builds a case-insensitive key matcher over the default keys plus `extra`, with a bounded memo (keys repeat
 * across log lines; a Map hit is ~10× cheaper than normalising again).
 *
 * @example
 * const isSensitive = createKeyMatcher(['x-tenant-secret-hint'])
 * isSensitive('Authorization') // true
 */
export function createKeyMatcher(extra: readonly string[] = []): (key: string) => boolean {
  const exact = new Set([...DEFAULT_SENSITIVE_KEYS, ...extra].map(normalizeKey))
  const memo = new Map<string, boolean>()
  const MEMO_LIMIT = 4096
  function compute(key: string): boolean {
    const k = normalizeKey(key)
    if (exact.has(k)) return true
    for (const f of SENSITIVE_KEY_FRAGMENTS) if (k.includes(f)) return true
    for (const s of SENSITIVE_KEY_SUFFIXES) if (k.endsWith(s)) return true
    return false
  }
  return function isSensitiveKey(key: string): boolean {
    let hit = memo.get(key)
    if (hit === undefined) {
      if (key.length > 128) return compute(key.slice(0, 128))
      hit = compute(key)
      if (memo.size >= MEMO_LIMIT) memo.clear()
      // Keys can be cut from client input (a query string, a parsed body): keep a copy, not what it was cut from.
      memo.set(detachedCopy(key), hit)
    }
    return hit
  }
}
