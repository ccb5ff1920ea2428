import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LookoutError } from '../../../src/errors.ts'
import { createEventCatalog } from '../../../src/frontend/createEventCatalog.ts'
import { looksLikePiiKey } from '../../../src/frontend/looksLikePiiKey.ts'
import { createRedactor } from '../../../src/redact/index.ts'

const redactor = createRedactor()

const piiKeys = [
  'email',
  'userEmail',
  'e_mail',
  'mail',
  'password',
  'passwd',
  'pwd',
  'token',
  'accessToken',
  'api_key',
  'secret',
  'phone',
  'phoneNumber',
  'mobile',
  'ssn',
  'address',
  'billing_address',
  'street',
  'zip',
  'postcode',
  'credit_card',
  'cardNumber',
  'cvv',
  'iban',
  'dob',
  'date_of_birth',
  'firstName',
  'last_name',
  'username',
  'user_id',
  'ip',
  'client-ip',
  'ipAddress',
  'session',
  'sessionId',
  'cookie',
  'authorization',
  'auth',
  'jwt',
  'passport',
  'latitude',
]
const ordinaryKeys = [
  'plan',
  'variant',
  'step',
  'source',
  'browser',
  'locale',
  'tier',
  'outcome',
  'page',
  'shipping',
  'tooltip',
  'button',
]

for (const key of piiKeys)
  test(`the key "${key}" looks like personal data or a secret`, () =>
    assert.equal(looksLikePiiKey(key), true))
for (const key of ordinaryKeys)
  test(`the key "${key}" does not look like personal data`, () => assert.equal(looksLikePiiKey(key), false))

const catalog = createEventCatalog(
  {
    signup_started: { labels: { plan: ['free', 'pro'], source: ['ad', 'organic'] }, maxValue: 1 },
    items_viewed: { labels: { page: ['home', 'cart'] }, maxValue: 50 },
    ping: { labels: {}, maxValue: 1 },
  },
  redactor,
)

test('the catalog labels are event first, then every declared key sorted', () => {
  assert.deepEqual(catalog.labelNames, ['event', 'page', 'plan', 'source'])
})

const accepted: [string, unknown, string[], number][] = [
  ['an event without labels', { event: 'ping' }, ['ping', '', '', ''], 1],
  [
    'an event with declared labels',
    { event: 'signup_started', labels: { plan: 'pro' } },
    ['signup_started', '', 'pro', ''],
    1,
  ],
  [
    'a value within maxValue',
    { event: 'items_viewed', value: 12, labels: { page: 'cart' } },
    ['items_viewed', 'cart', '', ''],
    12,
  ],
]
for (const [why, item, labels, value] of accepted) {
  test(`the catalog accepts ${why}`, () => {
    assert.deepEqual(catalog.check(item), { ok: true, event: { labelValues: labels, value } })
  })
}

const refused: [string, unknown, string][] = [
  ['a string', 'ping', 'invalid_event'],
  ['null', null, 'invalid_event'],
  ['an array', [{ event: 'ping' }], 'invalid_event'],
  ['an unknown field', { event: 'ping', user: 'x' }, 'invalid_event'],
  ['a missing event', { labels: {} }, 'invalid_event'],
  ['a numeric event', { event: 1 }, 'invalid_event'],
  ['a string value', { event: 'ping', value: '1' }, 'invalid_event'],
  ['a non-string label value', { event: 'signup_started', labels: { plan: 1 } }, 'invalid_event'],
  ['labels as an array', { event: 'ping', labels: ['plan'] }, 'invalid_event'],
  ['an email label key', { event: 'signup_started', labels: { email: 'x' } }, 'pii_key'],
  ['a password label key', { event: 'ping', labels: { password: 'hunter2' } }, 'pii_key'],
  ['a token label key', { event: 'ping', labels: { authToken: 'x' } }, 'pii_key'],
  ['an email label value', { event: 'signup_started', labels: { plan: 'jane@example.com' } }, 'pii_value'],
  ['a phone label value', { event: 'signup_started', labels: { source: '+1 415 555 2671' } }, 'pii_value'],
  [
    'a JWT label value',
    { event: 'ping', labels: { x: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc123def456' } },
    'pii_value',
  ],
  ['an email as the event name', { event: 'jane@example.com' }, 'pii_value'],
  ['an unknown event', { event: 'nope' }, 'unknown_event'],
  ['an undeclared label key', { event: 'ping', labels: { plan: 'pro' } }, 'unknown_label'],
  ['a __proto__ label key', JSON.parse('{"event":"ping","labels":{"__proto__":"x"}}'), 'unknown_label'],
  [
    'an undeclared label value',
    { event: 'signup_started', labels: { plan: 'enterprise' } },
    'label_value_not_allowed',
  ],
  ['a value above maxValue', { event: 'ping', value: 2 }, 'value_out_of_range'],
  ['a zero value', { event: 'ping', value: 0 }, 'value_out_of_range'],
  ['a negative value', { event: 'items_viewed', value: -5 }, 'value_out_of_range'],
]
for (const [why, item, reason] of refused) {
  test(`the catalog refuses ${why} with reason ${reason}`, () => {
    const res = catalog.check(item)
    assert.equal(res.ok, false)
    assert.equal((res as { reason: string }).reason, reason)
  })
}

const badCatalogs: [string, Record<string, { labels: Record<string, string[]>; maxValue: number }>][] = [
  ['a PII-looking label key', { e: { labels: { email: ['x'] }, maxValue: 1 } }],
  ['a high-cardinality label key', { e: { labels: { request_id: ['x'] }, maxValue: 1 } }],
  ['a label named event', { e: { labels: { event: ['x'] }, maxValue: 1 } }],
  ['a label value that looks like an email', { e: { labels: { plan: ['a@b.co'] }, maxValue: 1 } }],
]
for (const [why, cat] of badCatalogs) {
  test(`a catalog with ${why} fails at start-up with LOOKOUT_ERR_FRONTEND_CONFIG`, () => {
    assert.throws(
      () => createEventCatalog(cat, redactor),
      (e: unknown) => e instanceof LookoutError && e.code === 'LOOKOUT_ERR_FRONTEND_CONFIG',
    )
  })
}
