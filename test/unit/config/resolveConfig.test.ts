import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MASK, maskConfig } from '../../../src/config/maskConfig.ts'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import { LookoutError } from '../../../src/errors.ts'

describe('resolveConfig reads the environment', () => {
  const cases: {
    name: string
    env: Record<string, string>
    path: (c: ReturnType<typeof resolveConfig>) => unknown
    expected: unknown
  }[] = [
    {
      name: 'defaults apply when nothing is set',
      env: {},
      path: (c) => c.metrics.path,
      expected: '/metrics',
    },
    {
      name: 'an integer port is read',
      env: { LOOKOUT_METRICS_PORT: '9464' },
      path: (c) => c.metrics.port,
      expected: 9464,
    },
    {
      name: 'the platform alias METRICS_INTERNAL_PORT maps to metrics.port',
      env: { METRICS_INTERNAL_PORT: '9000' },
      path: (c) => c.metrics.port,
      expected: 9000,
    },
    {
      name: 'Lookout variable wins over its alias',
      env: { LOOKOUT_METRICS_PORT: '1', METRICS_INTERNAL_PORT: '2' },
      path: (c) => c.metrics.port,
      expected: 1,
    },
    {
      name: 'a blank value counts as unset',
      env: { LOOKOUT_METRICS_PATH: '   ' },
      path: (c) => c.metrics.path,
      expected: '/metrics',
    },
    {
      name: 'booleans accept yes/no',
      env: { LOOKOUT_METRICS_ENABLED: 'no' },
      path: (c) => c.metrics.enabled,
      expected: false,
    },
    {
      name: 'booleans accept 1',
      env: { METRICS_ENABLED: '1' },
      path: (c) => c.metrics.enabled,
      expected: true,
    },
    {
      name: 'lists are split on commas and trimmed',
      env: { LOOKOUT_METRICS_ALLOW: ' 10.0.0.0/8 , ::1 ,' },
      path: (c) => c.metrics.allow,
      expected: ['10.0.0.0/8', '::1'],
    },
    {
      name: 'bucket lists are numbers',
      env: { LOOKOUT_METRICS_BUCKETS: '0.1,0.3,1' },
      path: (c) => c.metrics.buckets,
      expected: [0.1, 0.3, 1],
    },
    {
      name: 'OTEL_SERVICE_NAME names the service',
      env: { OTEL_SERVICE_NAME: 'billing' },
      path: (c) => c.service,
      expected: 'billing',
    },
    {
      name: 'LOOKOUT_SERVICE_NAME wins over OTEL_SERVICE_NAME',
      env: { OTEL_SERVICE_NAME: 'a', LOOKOUT_SERVICE_NAME: 'b' },
      path: (c) => c.service,
      expected: 'b',
    },
    {
      name: 'NODE_ENV is the environment when nothing else is',
      env: { NODE_ENV: 'production' },
      path: (c) => c.environment,
      expected: 'production',
    },
    {
      name: 'operator keys with a tenant are split on the last colon',
      env: { LOOKOUT_OPERATOR_KEYS: 'k'.repeat(20) + ':acme' },
      path: (c) => c.operator.keys,
      expected: [{ key: 'k'.repeat(20), tenant: 'acme' }],
    },
    {
      name: 'header names are lower-cased',
      env: { LOOKOUT_REQUEST_ID_HEADER: 'X-Correlation-Id' },
      path: (c) => c.http.requestIdHeader,
      expected: 'x-correlation-id',
    },
  ]
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(c.path(resolveConfig({}, c.env)), c.expected)
    })
  }
})

describe('resolveConfig precedence and errors', () => {
  test('code options win over the environment', () => {
    const config = resolveConfig({ metrics: { path: '/internal/metrics' } }, { LOOKOUT_METRICS_PATH: '/m' })
    assert.equal(config.metrics.path, '/internal/metrics')
  })

  test('operator routes are limited by default: per key 600 reads and 120 writes a minute, per address 20 requests without a valid key', () => {
    const config = resolveConfig({ operator: { rateLimit: { read: { burst: 50 } } } }, {})
    assert.deepEqual(config.operator.rateLimit, {
      read: { perMinute: 600, burst: 50 },
      write: { perMinute: 120, burst: 60 },
      invalidKey: { perMinute: 10, burst: 20 },
    })
    assert.deepEqual(
      (maskConfig(config) as unknown as typeof config).operator.rateLimit,
      config.operator.rateLimit,
      'the limits are shown, not masked, by GET /observability/config',
    )
  })

  test('the resolved config is deeply frozen', () => {
    const config = resolveConfig({}, {})
    assert.ok(Object.isFrozen(config))
    assert.ok(Object.isFrozen(config.metrics))
    assert.ok(Object.isFrozen(config.metrics.cardinality))
    assert.throws(() => {
      ;(config.metrics as { path: string }).path = '/x'
    })
  })

  const invalid: {
    name: string
    options?: Record<string, unknown>
    env?: Record<string, string>
    mentions: string[]
  }[] = [
    {
      name: 'a non-integer port names the variable',
      env: { LOOKOUT_METRICS_PORT: 'abc' },
      mentions: ['metrics.port', 'LOOKOUT_METRICS_PORT', 'integer'],
    },
    {
      name: 'an out-of-range port from env names the variable',
      env: { LOOKOUT_METRICS_PORT: '70000' },
      mentions: ['LOOKOUT_METRICS_PORT', '65535'],
    },
    {
      name: 'an unknown conventions value lists the accepted ones',
      env: { LOOKOUT_METRICS_CONVENTIONS: 'statsd' },
      mentions: ['"prometheus"', '"otel"'],
    },
    {
      name: 'a bad boolean says what is accepted',
      env: { LOOKOUT_METRICS_ENABLED: 'maybe' },
      mentions: ['LOOKOUT_METRICS_ENABLED', 'true/false'],
    },
    {
      name: 'an unknown option is refused, not ignored',
      options: { metrics: { tokn: 'x' } },
      mentions: ['metrics', '"tokn"'],
    },
    {
      name: 'unsorted buckets are refused',
      options: { metrics: { buckets: [1, 0.5] } },
      mentions: ['metrics.buckets', 'increasing'],
    },
    {
      name: 'a short metrics token is refused',
      options: { metrics: { token: 'short' } },
      mentions: ['metrics.token', '16'],
    },
    {
      name: 'an operator rate limit of zero is refused',
      options: { operator: { rateLimit: { write: { perMinute: 0 } } } },
      mentions: ['operator.rateLimit.write.perMinute'],
    },
    {
      name: 'an unknown operator rate limit is refused, not ignored',
      options: { operator: { rateLimit: { delete: { perMinute: 10 } } } },
      mentions: ['operator.rateLimit', '"delete"'],
    },
    {
      name: 'a bad value from code is not blamed on the environment',
      options: { metrics: { port: -1 } },
      env: { LOOKOUT_METRICS_PORT: '9000' },
      mentions: ['metrics.port:'],
    },
  ]
  for (const c of invalid) {
    test(c.name, () => {
      assert.throws(
        () => resolveConfig(c.options ?? {}, c.env ?? {}),
        (err: unknown) => {
          assert.ok(err instanceof LookoutError)
          assert.equal(err.code, 'LOOKOUT_ERR_CONFIG_INVALID')
          for (const m of c.mentions)
            assert.ok(err.message.includes(m), `expected "${m}" in:\n${err.message}`)
          return true
        },
      )
    })
  }

  test('a secret value never appears in the error message', () => {
    const token = 'tiny-secret'
    assert.throws(
      () => resolveConfig({}, { LOOKOUT_METRICS_TOKEN: token }),
      (err: Error) => !err.message.includes(token),
    )
  })

  test('masking hides marked secrets and secret-sounding keys', () => {
    const config = resolveConfig(
      { metrics: { token: 't'.repeat(20) }, operator: { keys: [{ key: 'k'.repeat(20), tenant: 'acme' }] } },
      {},
    )
    const masked = maskConfig(config) as {
      metrics: { token: string; path: string }
      operator: { keys: { key: string; tenant: string }[] }
    }
    assert.equal(masked.metrics.token, MASK)
    assert.equal(masked.metrics.path, '/metrics')
    assert.equal(masked.operator.keys[0]!.key, MASK)
    assert.equal(masked.operator.keys[0]!.tenant, 'acme')
    assert.ok(!JSON.stringify(masked).includes('t'.repeat(20)))
  })
})
