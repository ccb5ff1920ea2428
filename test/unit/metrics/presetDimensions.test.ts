import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createInstrumentation } from '../../../src/metrics/instrument.ts'
import { createMetricRegistry } from '../../../src/metrics/metricRegistry.ts'

const setup = () => {
  const registry = createMetricRegistry()
  return { registry, inst: createInstrumentation(registry) }
}
const lines = async (registry: ReturnType<typeof createMetricRegistry>, prefix: string) =>
  (await registry.expose('prometheus')).split('\n').filter((l) => l.startsWith(prefix))

test('a wrapper without labels records each dimension at its default', async () => {
  const { registry, inst } = setup()
  inst.instrument({ preset: 'dependency', operation: 'call' }, () => 1)()
  inst.instrument({ preset: 'auth', operation: 'login' }, () => 1)()
  assert.deepEqual(await lines(registry, 'dependency_calls_total'), [
    'dependency_calls_total{operation="call",status="success",dependency="unknown"} 1',
  ])
  assert.deepEqual(await lines(registry, 'auth_operations_total'), [
    'auth_operations_total{operation="login",status="success",reason="none"} 1',
  ])
})

test('authz records resource, action and the decision (its status)', async () => {
  const { registry, inst } = setup()
  const check = inst.instrument(
    {
      preset: 'authz',
      operation: 'check',
      labels: { resource: 'invoice', action: 'write' },
      classify: (ok: boolean) => (ok ? 'allow' : 'deny'),
    },
    (ok: boolean) => ok,
  )
  check(true)
  check(false)
  assert.deepEqual(await lines(registry, 'authz_checks_total'), [
    'authz_checks_total{operation="check",status="allow",resource="invoice",action="write",decision="allow"} 1',
    'authz_checks_total{operation="check",status="deny",resource="invoice",action="write",decision="deny"} 1',
  ])
})

test('per-call values: an enum value is kept, an unknown one and a free dimension not declared fold into other', async () => {
  const { registry, inst } = setup()
  const issue = inst.instrument(
    {
      preset: 'token',
      operation: 'issue',
      labels: { grant_type: 'password' },
      classify: (g: string) => ({ status: 'success', labels: { grant_type: g } }),
    },
    (g: string) => g,
  )
  issue('client_credentials')
  issue('made_up_grant')
  issue('password')
  const run = inst.instrument(
    {
      preset: 'task',
      operation: 'run',
      labels: { task_type: 'email' },
      classify: (t: string) => ({ status: 'success', labels: { task_type: t } }),
    },
    (t: string) => t,
  )
  run('email')
  run('user-123-export')
  assert.deepEqual(await lines(registry, 'token_operations_total'), [
    'token_operations_total{operation="issue",status="success",grant_type="client_credentials"} 1',
    'token_operations_total{operation="issue",status="success",grant_type="other"} 1',
    'token_operations_total{operation="issue",status="success",grant_type="password"} 1',
  ])
  assert.deepEqual(await lines(registry, 'background_tasks_total'), [
    'background_tasks_total{operation="run",status="success",task_type="email"} 1',
    'background_tasks_total{operation="run",status="success",task_type="other"} 1',
  ])
})

const refused: { name: string; spec: Record<string, unknown>; message: RegExp }[] = [
  {
    name: 'a label the preset does not have',
    spec: { preset: 'db', operation: 'select', labels: { table: 'users' } },
    message: /label "table" is not one of \(none\)/,
  },
  {
    name: 'the status-derived decision',
    spec: { preset: 'authz', operation: 'check', labels: { decision: 'allow' } },
    message: /label "decision"/,
  },
  {
    name: 'a value outside an enum',
    spec: { preset: 'auth', operation: 'login', labels: { reason: 'bad_vibes' } },
    message: /reason "bad_vibes" is not one of/,
  },
  {
    name: 'a malformed value',
    spec: { preset: 'message', operation: 'produce', labels: { topic: 'orders for {user}' } },
    message: /label topic must be/,
  },
]
for (const r of refused) {
  test(`instrument() refuses ${r.name} with LOOKOUT_ERR_PRESET`, () => {
    const { inst } = setup()
    assert.throws(
      () => inst.instrument(r.spec as never, () => 1),
      (e: { code?: string; message: string }) => e.code === 'LOOKOUT_ERR_PRESET' && r.message.test(e.message),
    )
  })
}

test('active tokens: the reported count per type is the gauge; unknown types count as other; bad counts are ignored', async () => {
  const { registry, inst } = setup()
  inst.activeTokens('refresh', 12)
  inst.activeTokens('refresh', 9)
  inst.activeTokens('access', 40)
  inst.activeTokens('magic-link', 3)
  inst.activeTokens('access', -1)
  inst.activeTokens('access', Number.NaN)
  inst.activeTokens('access', Number.POSITIVE_INFINITY)
  const lines = (await registry.expose('prometheus'))
    .split('\n')
    .filter((l) => l.startsWith('tokens_active{'))
  assert.deepEqual(lines.sort(), [
    'tokens_active{token_type="access"} 40',
    'tokens_active{token_type="other"} 3',
    'tokens_active{token_type="refresh"} 9',
  ])
})

test('sessions: created raises the gauge, destroyed lowers it (never below zero) and counts the reason', async () => {
  const { registry, inst } = setup()
  inst.session('destroyed', 'expired')
  inst.session('created')
  inst.session('created')
  inst.session('destroyed', 'idle')
  inst.session('binding_failed', 'user_agent_mismatch')
  inst.session('binding_failed', 'cosmic_rays')
  const text = await registry.expose('prometheus')
  assert.match(text, /^sessions_active 1$/m)
  assert.match(text, /^sessions_created_total 2$/m)
  assert.match(text, /^sessions_destroyed_total\{reason="expired"\} 1$/m)
  assert.match(text, /^sessions_destroyed_total\{reason="idle"\} 1$/m)
  assert.match(text, /^session_binding_failures_total\{reason="user_agent_mismatch"\} 1$/m)
  assert.match(text, /^session_binding_failures_total\{reason="other"\} 1$/m)
})
