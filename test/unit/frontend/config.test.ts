import assert from 'node:assert/strict'
import { test } from 'node:test'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import { LookoutError } from '../../../src/errors.ts'

test('front-end defaults mount nothing public: no DSN, no allow-list, reports off, empty catalog', () => {
  const fe = resolveConfig({}, {}).frontend
  assert.equal(fe.sentry.dsn, undefined)
  assert.deepEqual(fe.sentry.allow, [])
  assert.equal(fe.sentry.envelopeLimit, 1024 * 1024)
  assert.equal(fe.report.enabled, false)
  assert.deepEqual(fe.events.catalog, {})
  assert.equal(fe.events.path, '/api/v1/metrics')
  assert.deepEqual(fe.cors.origins, [])
})

test('environment variables configure the DSN, the allow-list (JSON), the catalog (JSON) and CORS', () => {
  const fe = resolveConfig(
    {},
    {
      LOOKOUT_SENTRY_PUBLIC_DSN: 'https://pub@o1.ingest.sentry.io/42',
      LOOKOUT_SENTRY_TRACES_SAMPLE_RATE: '0.25',
      LOOKOUT_SENTRY_ALLOW: '[{"host":"Sentry.Internal:9000","projectIds":[7,"8"]}]',
      LOOKOUT_PUBLIC_EVENTS_CATALOG: '{"signup_started":{"labels":{"plan":["free","pro"]}}}',
      LOOKOUT_FRONTEND_CORS_ORIGINS: 'https://app.example.com, https://admin.example.com',
      LOOKOUT_FRONTEND_REPORT_ENABLED: 'true',
    },
  ).frontend
  assert.equal(fe.sentry.dsn, 'https://pub@o1.ingest.sentry.io/42')
  assert.equal(fe.sentry.tracesSampleRate, 0.25)
  assert.deepEqual(fe.sentry.allow, [{ host: 'sentry.internal:9000', projectIds: ['7', '8'] }])
  assert.deepEqual(fe.events.catalog, { signup_started: { labels: { plan: ['free', 'pro'] }, maxValue: 1 } })
  assert.deepEqual(fe.cors.origins, ['https://app.example.com', 'https://admin.example.com'])
  assert.equal(fe.report.enabled, true)
})

const invalid: [string, Record<string, string>, string][] = [
  [
    'a DSN with the userinfo trick',
    { LOOKOUT_SENTRY_PUBLIC_DSN: 'https://k@a.example@127.0.0.1/1' },
    'LOOKOUT_SENTRY_PUBLIC_DSN',
  ],
  [
    'a non-numeric project id',
    { LOOKOUT_SENTRY_ALLOW: '[{"host":"a.example","projectIds":["x"]}]' },
    'LOOKOUT_SENTRY_ALLOW',
  ],
  [
    'a host with a scheme',
    { LOOKOUT_SENTRY_ALLOW: '[{"host":"https://a.example","projectIds":[1]}]' },
    'LOOKOUT_SENTRY_ALLOW',
  ],
  [
    'an upstream with credentials',
    { LOOKOUT_SENTRY_ALLOW: '[{"host":"a.example","projectIds":[1],"upstream":"https://u:p@a.example"}]' },
    'LOOKOUT_SENTRY_ALLOW',
  ],
  [
    'a sample rate above 1',
    { LOOKOUT_SENTRY_TRACES_SAMPLE_RATE: '1.5' },
    'LOOKOUT_SENTRY_TRACES_SAMPLE_RATE',
  ],
  [
    'an event name with spaces',
    { LOOKOUT_PUBLIC_EVENTS_CATALOG: '{"bad name":{}}' },
    'LOOKOUT_PUBLIC_EVENTS_CATALOG',
  ],
  [
    'a CORS origin with a path',
    { LOOKOUT_FRONTEND_CORS_ORIGINS: 'https://app.example.com/x' },
    'LOOKOUT_FRONTEND_CORS_ORIGINS',
  ],
]
for (const [why, env, variable] of invalid) {
  test(`${why} stops start-up naming ${variable}`, () => {
    assert.throws(
      () => resolveConfig({}, env),
      (e: unknown) =>
        e instanceof LookoutError && e.code === 'LOOKOUT_ERR_CONFIG_INVALID' && e.message.includes(variable),
    )
  })
}

test('the server DSN is a secret: masked wherever the config is shown', async () => {
  const { maskConfig } = await import('../../../src/config/maskConfig.ts')
  const config = resolveConfig(
    { frontend: { sentry: { serverDsn: 'https://key:s3cr3t@o1.ingest.sentry.io/4' } } },
    {},
  )
  const shown = JSON.stringify(maskConfig(config))
  assert.ok(!shown.includes('s3cr3t') && !shown.includes('key:'))
})
