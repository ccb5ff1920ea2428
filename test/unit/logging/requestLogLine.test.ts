import assert from 'node:assert/strict'
import { test } from 'node:test'
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import { bindContext } from '../../../src/context/bindContext.ts'
import { createContextObserver } from '../../../src/context/contextObserver.ts'
import { lookoutContextManager } from '../../../src/context/lookoutContextManager.ts'
import { createLifecycleCore } from '../../../src/http/lifecycleCore.ts'
import { createLogger } from '../../../src/logging/createLogger.ts'
import { createRequestLogObserver } from '../../../src/logging/requestLogObserver.ts'
import { createRedactor } from '../../../src/redact/createRedactor.ts'
import { captureStream } from './captureStream.ts'

context.setGlobalContextManager(lookoutContextManager.enable())

const APP_SPAN = trace.wrapSpanContext({
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: 1,
})

type Where = 'outside the request' | 'inside the request' | 'under an app span'

/** The raw request-log line of one request, with its time and duration made constant. */
function requestLine(withContext: boolean, where: Where, status = 200): string {
  const config = resolveConfig({ service: 'identity', environment: 'test', version: '1.2.3' }, {})
  const out = captureStream()
  const logger = createLogger(config, out)
  const redactor = createRedactor()
  const core = createLifecycleCore({ config, metrics: undefined })
  if (withContext) core.addObserver(createContextObserver(redactor))
  core.addObserver(createRequestLogObserver({ logger, redactor, core }))
  const req = core.startWith(
    'GET',
    '/users/42?token=abc&page=2',
    { 'x-request-id': 'req-42', 'x-tenant-id': 'acme', 'user-agent': 'curl/8.5.0', 'content-length': '0' },
    null,
    '/users/:id',
  )
  const finish = () => {
    if (status >= 500) core.setError(req, new TypeError('lookup failed for jane@example.com'))
    core.finish(req, status, 11)
  }
  core.run(req, () => {
    bindContext({ userId: 'u-7', plan: 'pro' })
    if (where === 'inside the request') finish()
  })
  if (where === 'outside the request') finish()
  if (where === 'under an app span') context.with(trace.setSpan(ROOT_CONTEXT, APP_SPAN), finish)
  assert.equal(out.raw.length, 1)
  return out.raw[0]!.replace(/"time":"[^"]+"/, '"time":"T"').replace(
    /"duration_ms":[0-9.e-]+/,
    '"duration_ms":0',
  )
}

const BASE = `{"level":"info","time":"T","service":"identity","version":"1.2.3","environment":"test","hostname":"${resolveConfig({}, {}).instance}"`
const REQUEST =
  '"event":"request","method":"GET","route":"/users/:id","path":"/users/42?token=[REDACTED]&page=2","status":200,"duration_ms":0,"request_bytes":0,"response_bytes":11,"user_agent":"curl/8.5.0"'
const cases: [boolean, Where, string][] = [
  [
    true,
    'outside the request',
    `${BASE},"request_id":"req-42","tenant_id":"acme","user_id":"u-7","plan":"pro",${REQUEST},"msg":"request completed"}`,
  ],
  [
    true,
    'inside the request',
    `${BASE},"request_id":"req-42","tenant_id":"acme","user_id":"u-7","plan":"pro",${REQUEST},"msg":"request completed"}`,
  ],
  [
    true,
    'under an app span',
    `${BASE},"request_id":"req-42","tenant_id":"acme","user_id":"u-7","plan":"pro",${REQUEST},"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","msg":"request completed"}`,
  ],
  [false, 'outside the request', `${BASE},"request_id":"req-42",${REQUEST},"msg":"request completed"}`],
  [
    false,
    'under an app span',
    `${BASE},"request_id":"req-42",${REQUEST},"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","msg":"request completed"}`,
  ],
]

test('a failed request’s line keeps the error before the ids of an app span', () => {
  const line = requestLine(false, 'under an app span', 500)
  assert.match(
    line,
    /^\{"level":"error",.*"status":500,.*"err":\{.*\},"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","msg":"request failed"\}$/,
  )
  assert.ok(!line.includes('jane@example.com'), line)
})

for (const [withContext, where, expected] of cases) {
  test(`the request-log line, byte for byte, ${withContext ? 'with' : 'without'} the request context, finished ${where}`, () => {
    assert.equal(requestLine(withContext, where), expected)
  })
}
