// Fragments that mark a key as personal data or a secret wherever they appear in it (after lower-casing and
// removing `_`, `-`, `.` and spaces). Long enough not to match ordinary words.
const FRAGMENTS: readonly string[] = [
  'email',
  'mail',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'privatekey',
  'authorization',
  'credential',
  'bearer',
  'cookie',
  'session',
  'jwt',
  'phone',
  'mobile',
  'msisdn',
  'ssn',
  'socialsecurity',
  'nationalid',
  'passport',
  'taxid',
  'address',
  'street',
  'postcode',
  'postalcode',
  'zipcode',
  'creditcard',
  'cardnumber',
  'cardno',
  'cvv',
  'cvc',
  'iban',
  'birth',
  'firstname',
  'lastname',
  'fullname',
  'surname',
  'username',
  'userid',
  'ipaddr',
  'latitude',
  'longitude',
  'geolocation',
]

// Whole words (split on separators and camelCase) that mark a key, but would be too short as fragments.
const WORDS: ReadonlySet<string> = new Set([
  'ip',
  'dob',
  'zip',
  'pin',
  'otp',
  'pwd',
  'pass',
  'auth',
  'sin',
  'gps',
])

/**
 * Whether a key looks like it holds personal data or a secret (email, password, token, phone, SSN, address, card,
 * name, IP, …). Used to refuse public event labels and catalog keys; errs on the side of refusing.
 *
 * @example
 * looksLikePiiKey('userEmail') // true
 * looksLikePiiKey('zip')       // true
 * looksLikePiiKey('plan')      // false
 */
export function looksLikePiiKey(key: string): boolean {
  const compact = key.toLowerCase().replace(/[\s_.-]+/g, '')
  for (const fragment of FRAGMENTS) if (compact.includes(fragment)) return true
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
  for (const word of words) if (WORDS.has(word)) return true
  return false
}
