import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createInstrumentation } from '../../../src/metrics/instrument.ts'
import { createMetricRegistry } from '../../../src/metrics/metricRegistry.ts'

function setup() {
  const registry = createMetricRegistry()
  return { registry, inst: createInstrumentation(registry) }
}

describe('instrument()', () => {
  test('a sync function records total and duration with the preset success status', async () => {
    const { registry, inst } = setup()
    const add = inst.instrument({ preset: 'db', operation: 'select' }, (a: number, b: number) => a + b)
    assert.equal(add(2, 3), 5)
    const text = await registry.expose()
    assert.match(text, /db_queries_total\{operation="select",status="success"\} 1/)
    assert.match(text, /db_queries_duration_seconds_count\{operation="select",status="success"\} 1/)
  })

  test('an async rejection is recorded as error and rethrown unchanged', async () => {
    const { registry, inst } = setup()
    const boom = new Error('down')
    const call = inst.instrument({ preset: 'dependency', operation: 'call' }, async () => {
      throw boom
    })
    await assert.rejects(call(), (e) => e === boom)
    assert.match(
      await registry.expose(),
      /dependency_calls_total\{operation="call",status="error",dependency="unknown"\} 1/,
    )
  })

  test('classify maps results onto the preset statuses; unknown statuses fold into other', async () => {
    const { registry, inst } = setup()
    const login = inst.instrument(
      { preset: 'auth', operation: 'login', classify: (ok: string) => ok },
      async (s: string) => s,
    )
    await login('success')
    await login('failure')
    await login('made-up')
    const text = await registry.expose()
    assert.match(text, /auth_operations_total\{operation="login",status="success",reason="none"\} 1/)
    assert.match(text, /auth_operations_total\{operation="login",status="failure",reason="none"\} 1/)
    assert.match(text, /auth_operations_total\{operation="login",status="other",reason="none"\} 1/)
  })

  test('a throwing classifier never reaches the caller', async () => {
    const { inst } = setup()
    const f = inst.instrument(
      {
        preset: 'task',
        operation: 'run',
        classify: () => {
          throw new Error('bad classifier')
        },
      },
      () => 42,
    )
    assert.equal(f(), 42)
  })

  test('an operation outside the preset is a coded error at registration', () => {
    const { inst } = setup()
    assert.throws(() => inst.instrument({ preset: 'auth', operation: 'teleport' }, () => 1), {
      code: 'LOOKOUT_ERR_PRESET',
    })
  })

  test('hooks see each call and wrap its execution; a throwing hook does not break the call', async () => {
    const { inst } = setup()
    const seen: string[] = []
    inst.use({
      around(call, run) {
        seen.push(`around:${call.operation}`)
        return run()
      },
      onEnd(call, outcome) {
        seen.push(`end:${call.eventType}:${outcome.status}`)
        throw new Error('hook bug')
      },
    })
    const f = inst.instrument(
      { preset: 'cache', operation: 'get', classify: (v: unknown) => (v ? 'hit' : 'miss') },
      () => undefined,
    )
    assert.equal(f(), undefined)
    assert.deepEqual(seen, ['around:get', 'end:cache:miss'])
  })

  test('security events, rate-limit hits, circuit states and AI tokens use fixed names', async () => {
    const { registry, inst } = setup()
    inst.securityEvent('login_failed', 'low')
    inst.securityEvent('not-a-known-type', 'high')
    inst.rateLimitHit('/auth/login')
    inst.circuitState('idp', 'open')
    inst.circuitState('idp', 'open')
    inst.circuitState('idp', 'half_open')
    inst.aiTokens('gpt', 'prompt', 120)
    const text = await registry.expose()
    assert.match(text, /security_events_total\{event_type="login_failed",severity="low"\} 1/)
    assert.match(text, /security_events_total\{event_type="other",severity="high"\} 1/)
    assert.match(text, /rate_limit_hits_total\{endpoint="\/auth\/login"\} 1/)
    assert.match(text, /circuit_breaker_state\{breaker="idp"\} 2/)
    assert.match(text, /circuit_breaks_total\{breaker="idp"\} 1/)
    assert.match(text, /ai_tokens_total\{model="gpt",type="prompt"\} 120/)
  })
})
