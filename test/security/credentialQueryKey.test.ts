import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isCredentialQueryKey } from '../../src/redact/credentialQueryKey.ts'
import { createRedactor } from '../../src/redact/index.ts'

const CREDENTIAL_KEYS = [
  ...['key', 'KEY', 'token', 'sig', 'signature', 'code', 'secret', 'pass', 'passwd', 'password', 'passcode'],
  ...['auth', 'auth_code', 'authorization', 'api_key', 'api-key', 'apiKey', 'x-api-key', 'access_token'],
  ...['refresh_token', 'id_token', 'client_secret', 'X-Amz-Signature', 'X-Amz-Credential', 'session'],
  ...['session_id', 'otp', 'mfa_code', 'reset_code', 'verification_code', 'hmac', 'jwt', 'private_key'],
]
const PLAIN_KEYS = [
  'page',
  'q',
  'sort',
  'limit',
  'country_code',
  'zipcode',
  'tokens',
  'max_tokens',
  'id',
  'lang',
]

test('credential-like query parameter names are recognised, ordinary ones are not', () => {
  assert.deepEqual(
    CREDENTIAL_KEYS.filter((k) => !isCredentialQueryKey(k)),
    [],
  )
  assert.deepEqual(
    PLAIN_KEYS.filter((k) => isCredentialQueryKey(k)),
    [],
  )
})

test('redactUrl replaces every credential-like query value and keeps the rest', () => {
  const redactor = createRedactor()
  for (const key of CREDENTIAL_KEYS) {
    const out = redactor.redactUrl(`/x?${encodeURIComponent(key)}=s3cr3tvalue&page=2`)
    assert.equal(out, `/x?${encodeURIComponent(key)}=[REDACTED]&page=2`, key)
  }
  for (const key of PLAIN_KEYS) assert.equal(redactor.redactUrl(`/x?${key}=plain`), `/x?${key}=plain`)
})
