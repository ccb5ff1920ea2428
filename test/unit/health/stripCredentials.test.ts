import assert from 'node:assert/strict'
import { test } from 'node:test'
import { stripCredentials, urlHost } from '../../../src/health/stripCredentials.ts'

const cases: [string, string, string][] = [
  ['user and password are removed', 'postgres://app:s3cret@db:5432/app', 'postgres://***@db:5432/app'],
  ['a password-only URL is cleaned', 'redis://:hunter2@cache:6379/0', 'redis://***@cache:6379/0'],
  ['a URL without credentials is unchanged', 'http://idp.internal/health', 'http://idp.internal/health'],
  ['URLs inside a message are cleaned', 'failed: amqp://u:p@mq:5672 down', 'failed: amqp://***@mq:5672 down'],
]
for (const [name, input, expected] of cases) {
  test(name, () => assert.equal(stripCredentials(input), expected))
}

test('urlHost keeps host and port only, and refuses non-URLs', () => {
  assert.equal(urlHost('postgres://app:secret@db.internal:5432/app?sslmode=require'), 'db.internal:5432')
  assert.equal(urlHost('not a url'), undefined)
})
