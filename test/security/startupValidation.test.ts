import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createLookout, LookoutError, type LookoutOptions } from 'lookout'
import pino from 'pino'

const silent = pino({ level: 'silent' })
const KEY = 'abcdefghijklmnop'

function startUp(env: Record<string, string>, options: Record<string, unknown> = {}) {
  return createLookout({ service: 'startup', ...options } as LookoutOptions, { env, logger: silent })
}

function startUpError(env: Record<string, string>, options: Record<string, unknown> = {}): LookoutError {
  try {
    void startUp(env, options).shutdown()
  } catch (error) {
    assert.ok(error instanceof LookoutError, `not a LookoutError: ${String(error)}`)
    return error
  }
  assert.fail('start-up succeeded')
}

describe('operator keys are checked after splitting key:tenant', () => {
  const refused: readonly { name: string; value: string; says: RegExp }[] = [
    {
      name: 'a one-character key before a long tenant',
      value: `x:${KEY}`,
      says: /1 character; .*at least 16/,
    },
    { name: 'an empty tenant', value: `${KEY}:`, says: /tenant after ":" is empty/ },
    { name: 'an empty key', value: ':acme', says: /0 characters/ },
    {
      name: 'a tenant outside the tenant-id grammar',
      value: `${KEY}:acme/../globex`,
      says: /not a tenant id/,
    },
    { name: 'a tenant starting with a dot', value: `${KEY}:.acme`, says: /not a tenant id/ },
    { name: 'a short key among good ones', value: `${KEY}0,short:acme`, says: /entry 2: .*5 characters/ },
  ]
  for (const { name, value, says } of refused) {
    test(`${name} stops start-up naming LOOKOUT_OPERATOR_KEYS, without echoing the entry`, () => {
      const error = startUpError({ LOOKOUT_OPERATOR_KEYS: value })
      assert.equal(error.code, 'LOOKOUT_ERR_CONFIG_INVALID')
      assert.match(error.message, /operator\.keys\.\d \(LOOKOUT_OPERATOR_KEYS\)/)
      assert.match(error.message, says)
      for (const part of value.split(/[:,]/).filter((p) => p.length >= 5)) {
        assert.ok(!error.message.includes(part), `the error echoes "${part}"`)
        assert.ok(!JSON.stringify(error.details).includes(part), `the error details echo "${part}"`)
      }
    })
  }

  test('keys from code are held to the same rules', () => {
    assert.match(
      startUpError({}, { operator: { keys: [{ key: 'short', tenant: 'acme' }] } }).message,
      /at least 16/,
    )
    assert.match(startUpError({}, { operator: { keys: [{ key: KEY, tenant: '' }] } }).message, /empty/)
  })

  const accepted: readonly { value: string; keys: { key: string; tenant: string | undefined }[] }[] = [
    { value: KEY, keys: [{ key: KEY, tenant: undefined }] },
    { value: `${KEY}:acme`, keys: [{ key: KEY, tenant: 'acme' }] },
    { value: `a:b:${KEY}:acme-eu.1`, keys: [{ key: `a:b:${KEY}`, tenant: 'acme-eu.1' }] },
    {
      value: `${KEY},${KEY}x:globex`,
      keys: [
        { key: KEY, tenant: undefined },
        { key: `${KEY}x`, tenant: 'globex' },
      ],
    },
  ]
  for (const { value, keys } of accepted) {
    test(`"${value.replace(KEY, '<16 chars>')}" is accepted and split on the last colon`, async () => {
      const lookout = startUp({ LOOKOUT_OPERATOR_KEYS: value })
      assert.deepEqual(
        lookout.config.operator.keys.map((k) => ({ key: k.key, tenant: k.tenant })),
        keys,
      )
      await lookout.shutdown()
    })
  }
})

describe('allow-list and trusted-proxy entries are checked at start-up', () => {
  const bad = ['localhost', '10.0.0.0/33', 'loopback', '::1/129', '10.0.0.1/8/9', '10.0.0.0/ 8', '10.0.0.0/']
  for (const variable of ['LOOKOUT_METRICS_ALLOW', 'LOOKOUT_TRUST_PROXY']) {
    for (const entry of bad) {
      test(`${variable}=${entry} stops start-up naming the variable and the entry`, () => {
        const error = startUpError({ [variable]: `127.0.0.1,${entry}` })
        assert.equal(error.code, 'LOOKOUT_ERR_CONFIG_INVALID')
        assert.ok(
          error.message.includes(`(${variable}): "${entry}" is not an IP address or CIDR`),
          error.message,
        )
      })
    }
    test(`${variable} accepts IPv4 and IPv6 addresses and CIDRs`, async () => {
      const lookout = startUp({ [variable]: '10.0.0.0/8,192.0.2.7,::1,fd00::/8,::ffff:10.0.0.1,0.0.0.0/0' })
      await lookout.shutdown()
    })
  }

  test('entries from code are held to the same rules', () => {
    const error = startUpError({}, { metrics: { allow: ['prometheus.internal'] } })
    assert.match(error.message, /metrics\.allow\.0: "prometheus\.internal" is not an IP address or CIDR/)
  })
})
