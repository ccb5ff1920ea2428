import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import type { LookoutOptions } from '../../../src/config/schema.ts'
import { bindContext, runWithContext } from '../../../src/context/index.ts'
import { createLogger } from '../../../src/logging/createLogger.ts'
import { captureStream } from './captureStream.ts'

function make(options: LookoutOptions = {}, env: Record<string, string> = {}) {
  const out = captureStream()
  const config = resolveConfig(
    { service: 'identity', version: '1.2.3', environment: 'production', instance: 'pod-1', ...options },
    env,
  )
  return { logger: createLogger(config, out), out }
}

test('every line carries an ISO UTC time, the level name, service, version, environment and hostname', () => {
  const { logger, out } = make()
  logger.info('hello')
  const line = out.lines[0]!
  assert.match(String(line.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  assert.equal(line.level, 'info')
  assert.equal(line.service, 'identity')
  assert.equal(line.version, '1.2.3')
  assert.equal(line.environment, 'production')
  assert.equal(line.hostname, 'pod-1')
  assert.equal(line.msg, 'hello')
})

test('the level comes from config and LOG_LEVEL (case-insensitive, as platforms write it)', () => {
  const { logger, out } = make({}, { LOG_LEVEL: 'WARNING' })
  logger.info('dropped')
  logger.warn('kept')
  assert.deepEqual(
    out.lines.map((l) => l.msg),
    ['kept'],
  )
})

test('lines written inside a context carry request, tenant, user and app fields', async () => {
  const { logger, out } = make()
  await runWithContext({ requestId: 'req-9', tenantId: 'acme' }, async () => {
    bindContext({ userId: 'u-1', feature: 'signup' })
    await delay(1)
    logger.info('inside')
  })
  logger.info('outside')
  assert.equal(out.lines[0]!.request_id, 'req-9')
  assert.equal(out.lines[0]!.tenant_id, 'acme')
  assert.equal(out.lines[0]!.user_id, 'u-1')
  assert.equal(out.lines[0]!.feature, 'signup')
  assert.equal(out.lines[1]!.request_id, undefined)
})

const leaks: [string, (l: ReturnType<typeof createLogger>) => void, string][] = [
  ['a sensitive key at depth', (l) => l.info({ a: { b: { Password: 'hunter2' } } }, 'x'), 'hunter2'],
  ['an email in a value', (l) => l.info({ user: 'jane@example.com' }, 'x'), 'jane@example.com'],
  ['an email in the message', (l) => l.info('reset for jane@example.com'), 'jane@example.com'],
  [
    'a card in a printf argument',
    (l) => l.info('paid with %s', '4111 1111 1111 1111'),
    '4111 1111 1111 1111',
  ],
  ['a token in an error message', (l) => l.error(new Error('bad token=abc123secret')), 'abc123secret'],
  [
    'a token in an err field',
    (l) => l.error({ err: new Error('Bearer sk_live_123456789') }, 'failed'),
    'sk_live_123456789',
  ],
  ['a secret in child bindings', (l) => l.child({ apiKey: 'k-123-secret' }).info('x'), 'k-123-secret'],
  [
    'an authorization header',
    (l) => l.info({ headers: { authorization: 'Basic dXNlcjpwYXNz' } }, 'x'),
    'dXNlcjpwYXNz',
  ],
  [
    'a JWT in an array',
    (l) => l.info({ list: ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'] }, 'x'),
    'eyJzdWIiOiIxIn0',
  ],
]

for (const [name, write, secret] of leaks) {
  test(`${name} never reaches the output`, () => {
    const { logger, out } = make()
    write(logger)
    assert.equal(out.raw.length, 1)
    assert.ok(!out.raw[0]!.includes(secret), out.raw[0])
    assert.match(out.raw[0]!, /\[REDACTED/)
  })
}

test('errors keep their type, message and stack (redacted)', () => {
  const { logger, out } = make()
  class PaymentError extends Error {
    override name = 'PaymentError'
  }
  logger.error({ err: new PaymentError('declined for jane@example.com') }, 'payment failed')
  const err = out.lines[0]!.err as Record<string, string>
  assert.equal(err.type, 'PaymentError')
  assert.equal(err.message, 'declined for [REDACTED_EMAIL]')
  assert.match(err.stack!, /PaymentError: declined for \[REDACTED_EMAIL\]/)
})

test('the logged object is not modified by redaction', () => {
  const { logger } = make()
  const obj = { password: 'hunter2', nested: { email: 'a@b.co' } }
  logger.info(obj, 'x')
  assert.deepEqual(obj, { password: 'hunter2', nested: { email: 'a@b.co' } })
})
