import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LookoutError } from '../../../src/errors.ts'
import { createDsnAllowList } from '../../../src/frontend/createDsnAllowList.ts'
import { dsnToString, envelopeUrlOf, parseDsn } from '../../../src/frontend/parseDsn.ts'

const parses: [string, string, string][] = [
  // [why, dsn, canonical]
  ['a SaaS DSN', 'https://abc123@o1.ingest.sentry.io/42', 'https://abc123@o1.ingest.sentry.io/42'],
  ['a DSN with a port', 'http://k@127.0.0.1:9000/7', 'http://k@127.0.0.1:9000/7'],
  [
    'a DSN with a secret (dropped)',
    'https://k:s3cr3t@sentry.example.com/7',
    'https://k@sentry.example.com/7',
  ],
  ['an upper-case host (lower-cased)', 'https://k@Sentry.Example.COM/7', 'https://k@sentry.example.com/7'],
  [
    'a DSN with a path prefix',
    'https://k@sentry.example.com/relay/sub/7',
    'https://k@sentry.example.com/relay/sub/7',
  ],
]

for (const [why, dsn, canonical] of parses) {
  test(`parseDsn accepts ${why}`, () => {
    const parsed = parseDsn(dsn)
    assert.ok(parsed, dsn)
    assert.equal(dsnToString(parsed), canonical)
  })
}

const refused: [string, unknown][] = [
  ['a userinfo trick with two @', 'https://key@allowed.example@127.0.0.1/1'],
  ['a non-numeric project id', 'https://k@sentry.example.com/abc'],
  ['a project id with letters', 'https://k@sentry.example.com/42abc'],
  ['a negative project id', 'https://k@sentry.example.com/-42'],
  ['a `..` path segment', 'https://k@sentry.example.com/../42'],
  ['a `.` path segment', 'https://k@sentry.example.com/./42'],
  ['a percent-encoded host', 'https://k@%31%32%37.0.0.1/42'],
  ['a percent-encoded port separator', 'https://k@127.0.0.1%3A8080/42'],
  ['a bracketed IPv6 host', 'https://k@[::1]:9000/42'],
  ['an IPv4-mapped IPv6 host', 'https://k@[::ffff:127.0.0.1]/42'],
  ['a backslash', 'https://k@sentry.example.com\\@127.0.0.1/42'],
  ['a query string', 'https://k@sentry.example.com/42?x=1'],
  ['a fragment', 'https://k@sentry.example.com/42#x'],
  ['a trailing slash', 'https://k@sentry.example.com/42/'],
  ['no public key', 'https://sentry.example.com/42'],
  ['an empty host label', 'https://k@sentry..example.com/42'],
  ['a trailing dot', 'https://k@sentry.example.com./42'],
  ['a port out of range', 'https://k@sentry.example.com:70000/42'],
  ['port zero', 'https://k@sentry.example.com:0/42'],
  ['another scheme', 'gopher://k@sentry.example.com/42'],
  ['file URLs', 'file:///etc/passwd'],
  ['whitespace', 'https://k@sentry.example.com/4 2'],
  ['a newline', 'https://k@sentry.example.com/42\n'],
  ['a number', 42],
  ['an object', { host: 'sentry.example.com' }],
  ['an overlong DSN', `https://k@${'a'.repeat(600)}.com/1`],
]

for (const [why, dsn] of refused) {
  test(`parseDsn refuses ${why}`, () => {
    assert.equal(parseDsn(dsn), undefined)
  })
}

test('envelopeUrlOf derives the ingest URL Sentry uses, path prefix included', () => {
  assert.equal(
    envelopeUrlOf(parseDsn('https://k@o1.ingest.sentry.io/42')!),
    'https://o1.ingest.sentry.io/api/42/envelope/',
  )
  assert.equal(
    envelopeUrlOf(parseDsn('http://k@127.0.0.1:9000/relay/7')!),
    'http://127.0.0.1:9000/relay/api/7/envelope/',
  )
})

const allowList = createDsnAllowList([
  'https://pub@o1.ingest.sentry.io/42',
  { dsn: 'https://pub@exact.example/9', upstream: 'http://127.0.0.1:5555/' },
  { host: 'sentry.allowed.test', projectIds: ['7', '8'], upstream: 'http://127.0.0.1:4444' },
  { host: 'self.hosted:9000', projectIds: ['3'] },
])

const resolutions: [string, unknown, string | undefined][] = [
  ['the exact DSN', 'https://pub@o1.ingest.sentry.io/42', 'https://o1.ingest.sentry.io/api/42/envelope/'],
  [
    'the exact DSN with its host in capitals',
    'https://pub@O1.Ingest.Sentry.IO/42',
    'https://o1.ingest.sentry.io/api/42/envelope/',
  ],
  ['the exact DSN with another key', 'https://other@o1.ingest.sentry.io/42', undefined],
  ['the exact DSN with another project', 'https://pub@o1.ingest.sentry.io/43', undefined],
  [
    'an exact DSN with an upstream override',
    'https://pub@exact.example/9',
    'http://127.0.0.1:5555/api/9/envelope/',
  ],
  [
    'an allowed host and project',
    'https://anykey@sentry.allowed.test/7',
    'http://127.0.0.1:4444/api/7/envelope/',
  ],
  [
    'an allowed host over http',
    'http://anykey@sentry.allowed.test/8',
    'http://127.0.0.1:4444/api/8/envelope/',
  ],
  ['an allowed host with another project', 'https://k@sentry.allowed.test/9', undefined],
  ['an allowed host on another port', 'https://k@sentry.allowed.test:4444/7', undefined],
  ['an allowed host with a path prefix', 'https://k@sentry.allowed.test/x/7', undefined],
  ['a host entry with its port', 'https://k@self.hosted:9000/3', 'https://self.hosted:9000/api/3/envelope/'],
  ['a host entry without its port', 'https://k@self.hosted/3', undefined],
  ['the upstream itself as a DSN host', 'http://k@127.0.0.1:4444/7', undefined],
  ['a subdomain of an allowed host', 'https://k@evil.sentry.allowed.test/7', undefined],
  ['an allowed host as a subdomain', 'https://k@sentry.allowed.test.evil.example/7', undefined],
  ['the userinfo trick', 'https://k@sentry.allowed.test@127.0.0.1/7', undefined],
  ['a non-string', 7, undefined],
]

for (const [why, dsn, expected] of resolutions) {
  test(`the allow-list resolves ${why} to ${expected ?? 'nothing'}`, () => {
    assert.equal(allowList.resolve(dsn), expected)
  })
}

test('an allow-list entry that is not a DSN fails at start-up with a coded error', () => {
  assert.throws(
    () => createDsnAllowList(['https://k@evil@127.0.0.1/1']),
    (e: unknown) => e instanceof LookoutError && e.code === 'LOOKOUT_ERR_FRONTEND_CONFIG',
  )
})
