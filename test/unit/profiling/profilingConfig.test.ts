import assert from 'node:assert/strict'
import { test } from 'node:test'
import { maskConfig } from '../../../src/config/maskConfig.ts'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import { LookoutError } from '../../../src/errors.ts'

test('defaults: off until configured (heap sampling on once enabled), 10 s default, 60 s max, no continuous profiling, always-on windows', () => {
  const { profiling } = resolveConfig({}, {})
  assert.equal(profiling.enabled, false)
  assert.equal(profiling.defaultSeconds, 10)
  assert.equal(profiling.maxSeconds, 60)
  assert.equal(profiling.heap.enabled, true)
  assert.equal(profiling.pyroscope.url, undefined)
  assert.equal(profiling.pyroscope.intervalSeconds, 60)
  assert.equal(profiling.pyroscope.windowSeconds, undefined, 'defaults to the interval (always on)')
  assert.equal(profiling.pyroscope.sampleRateHz, 100)
})

test('the environment configures continuous profiling, tags as k=v pairs, and the token is masked', () => {
  const config = resolveConfig(
    {},
    {
      LOOKOUT_PYROSCOPE_URL: 'http://pyroscope:4040',
      LOOKOUT_PYROSCOPE_INTERVAL: '30',
      LOOKOUT_PYROSCOPE_WINDOW: '30',
      LOOKOUT_PYROSCOPE_AUTH_TOKEN: 'glc_secret_value',
      LOOKOUT_PYROSCOPE_TAGS: 'region=eu-west-1,team=identity',
    },
  )
  assert.equal(config.profiling.pyroscope.url, 'http://pyroscope:4040')
  assert.equal(config.profiling.pyroscope.windowSeconds, 30)
  assert.deepEqual(config.profiling.pyroscope.tags, { region: 'eu-west-1', team: 'identity' })
  const masked = maskConfig(config) as { profiling: { pyroscope: { authToken: string } } }
  assert.equal(masked.profiling.pyroscope.authToken, '********')
})

const invalid: [string, Record<string, string>, RegExp][] = [
  [
    'a window longer than the interval',
    { LOOKOUT_PYROSCOPE_INTERVAL: '10', LOOKOUT_PYROSCOPE_WINDOW: '20' },
    /windowSeconds/,
  ],
  ['a URL with a query', { LOOKOUT_PYROSCOPE_URL: 'http://p:4040/?x=1' }, /LOOKOUT_PYROSCOPE_URL/],
  ['a non-http URL', { LOOKOUT_PYROSCOPE_URL: 'ftp://p' }, /LOOKOUT_PYROSCOPE_URL/],
  ['a tag overriding a label Lookout sets', { LOOKOUT_PYROSCOPE_TAGS: 'service_name=x' }, /set by Lookout/],
  ['a tag value with a brace', { LOOKOUT_PYROSCOPE_TAGS: 'region=eu{1}' }, /LOOKOUT_PYROSCOPE_TAGS/],
  ['a tag name with a dash', { LOOKOUT_PYROSCOPE_TAGS: 'my-tag=1' }, /tag name/],
  [
    'max seconds that is not an integer',
    { LOOKOUT_PROFILING_MAX_SECONDS: 'ten' },
    /LOOKOUT_PROFILING_MAX_SECONDS/,
  ],
]

for (const [name, env, message] of invalid) {
  test(`start-up fails on ${name}, naming the setting`, () => {
    assert.throws(
      () => resolveConfig({}, env),
      (err: unknown) =>
        err instanceof LookoutError && err.code === 'LOOKOUT_ERR_CONFIG_INVALID' && message.test(err.message),
    )
  })
}
