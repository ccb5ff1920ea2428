import { normalizeKey } from './sensitiveKeys.ts'

const EXACT = new Set([
  'key',
  'code',
  'sig',
  'signature',
  'token',
  'secret',
  'pwd',
  'otp',
  'jwt',
  'ticket',
  'session',
  'credential',
  'credentials',
  'hmac',
])
const PREFIXES = ['pass', 'auth', 'secret', 'session', 'credential', 'otp', 'mfa', 'apikey']
const SUFFIXES = [
  'key',
  'token',
  'secret',
  'sig',
  'signature',
  'credential',
  'credentials',
  'password',
  'passwd',
  'pwd',
  'authcode',
  'accesscode',
  'resetcode',
  'verificationcode',
  'confirmationcode',
  'securitycode',
  'otpcode',
]
const FRAGMENTS = ['password', 'passwd', 'secret', 'apikey']

/**
 * Whether a query parameter name carries a credential, whatever its value looks like: `key`, `code`, `sig`,
 * `signature`, `token`, `secret`, names starting with `pass`, `auth`, `secret`, `session`, `otp`, `mfa`,
 * `apikey`, and names ending in `key`, `token`, `secret`, `sig`, `signature`, `password`, `credential` or an
 * authorisation code (`api_key`, `access_token`, `X-Amz-Signature`, `reset_code`). Compared after
 * {@link normalizeKey}. Such values are replaced in logged paths and span attributes, so an operator key sent as
 * `?key=` never appears in full.
 *
 * @example
 * isCredentialQueryKey('access_token') // true
 * isCredentialQueryKey('page') // false
 */
export function isCredentialQueryKey(name: string): boolean {
  const k = normalizeKey(name.length > 128 ? name.slice(0, 128) : name)
  if (EXACT.has(k)) return true
  for (const p of PREFIXES) if (k.startsWith(p)) return true
  for (const s of SUFFIXES) if (k.endsWith(s)) return true
  for (const f of FRAGMENTS) if (k.includes(f)) return true
  return false
}
