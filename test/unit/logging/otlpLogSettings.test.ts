import assert from 'node:assert/strict'
import { test } from 'node:test'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import type { LookoutOptions } from '../../../src/config/schema.ts'
import { LookoutError } from '../../../src/errors.ts'
import { resolveOtlpLogSettings } from '../../../src/logging/resolveOtlpLogSettings.ts'

const settings = (env: Record<string, string>, options: LookoutOptions = {}) =>
  resolveOtlpLogSettings(resolveConfig(options, env))

const cases: {
  name: string
  env: Record<string, string>
  options?: LookoutOptions
  expect: Partial<NonNullable<ReturnType<typeof settings>>> | undefined
}[] = [
  { name: 'nothing set: no OTLP log export', env: {}, expect: undefined },
  {
    name: 'the generic endpoint alone does not send logs (stdout stays the default)',
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
    expect: undefined,
  },
  {
    name: 'OTEL_LOGS_EXPORTER=otlp with the generic endpoint: /v1/logs appended',
    env: { OTEL_LOGS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/otlp' },
    expect: { url: 'http://c:4318/otlp/v1/logs', protocol: 'http/protobuf', timeoutMs: 10_000 },
  },
  {
    name: 'OTEL_LOGS_EXPORTER=otlp alone: the local collector',
    env: { OTEL_LOGS_EXPORTER: 'otlp' },
    expect: { url: 'http://localhost:4318/v1/logs' },
  },
  {
    name: 'a generic endpoint on the gRPC port is moved to the HTTP port',
    env: { OTEL_LOGS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317' },
    expect: { url: 'http://c:4318/v1/logs' },
  },
  {
    name: 'the logs endpoint is used as-is and switches export on',
    env: {
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs:9999/custom/path',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
    },
    expect: { url: 'http://logs:9999/custom/path' },
  },
  {
    name: 'OTEL_LOGS_EXPORTER=none wins over an endpoint',
    env: { OTEL_LOGS_EXPORTER: 'none', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs:9999/v1/logs' },
    expect: undefined,
  },
  {
    name: 'OTEL_LOGS_EXPORTER=console exports nothing over OTLP (lines go to stdout anyway)',
    env: { OTEL_LOGS_EXPORTER: 'console', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs:9999/v1/logs' },
    expect: undefined,
  },
  {
    name: 'OTEL_SDK_DISABLED switches it off',
    env: { OTEL_SDK_DISABLED: 'true', OTEL_LOGS_EXPORTER: 'otlp' },
    expect: undefined,
  },
  {
    name: 'logs-specific protocol, headers, timeout and compression win over the generic ones',
    env: {
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-generic=1',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-logs=2,authorization=Bearer%20t',
      OTEL_EXPORTER_OTLP_TIMEOUT: '3000',
      OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: '2500',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
      OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: 'gzip',
    },
    expect: {
      protocol: 'http/json',
      headers: { 'x-logs': '2', authorization: 'Bearer t' },
      timeoutMs: 2500,
      compression: 'gzip',
    },
  },
  {
    name: 'the generic protocol, headers and timeout apply when no logs-specific one is set',
    env: {
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-generic=1',
      OTEL_EXPORTER_OTLP_TIMEOUT: '3000',
    },
    expect: { protocol: 'http/json', headers: { 'x-generic': '1' }, timeoutMs: 3000 },
  },
  {
    name: 'trace-specific headers and protocol never reach the logs endpoint',
    env: {
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'authorization=traces-only',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    },
    expect: { protocol: 'http/protobuf', headers: {} },
  },
  {
    name: 'code options win over the environment',
    env: { OTEL_LOGS_EXPORTER: 'none' },
    options: { logging: { otlp: { exporter: 'otlp', endpoint: 'http://code:4318/v1/logs' } } },
    expect: { url: 'http://code:4318/v1/logs' },
  },
]

for (const c of cases) {
  test(c.name, () => {
    const got = settings(c.env, c.options)
    if (c.expect === undefined) {
      assert.equal(got, undefined)
      return
    }
    assert.ok(got !== undefined)
    for (const [key, value] of Object.entries(c.expect))
      assert.deepEqual(got[key as keyof typeof got], value, key)
  })
}

test('gRPC for logs is refused at start-up with a coded error naming the option', () => {
  assert.throws(
    () => settings({ OTEL_LOGS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
    (err) =>
      err instanceof LookoutError &&
      err.code === 'LOOKOUT_ERR_CONFIG_INVALID' &&
      err.message.includes('logging.otlp.protocol'),
  )
  // The same variable is fine while logs do not leave over OTLP (it may be meant for traces).
  assert.equal(settings({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }), undefined)
})

test('an unknown OTEL_LOGS_EXPORTER or a malformed logs header list is a config error naming the variable', () => {
  for (const env of [
    { OTEL_LOGS_EXPORTER: 'zipkin' },
    { OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'no-equals-sign' },
  ]) {
    assert.throws(
      () => resolveConfig({}, env),
      (err) => err instanceof LookoutError && err.message.includes(Object.keys(env)[0]!),
    )
  }
})
