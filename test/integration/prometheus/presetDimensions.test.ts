// The preset dimensions answer the questions services ask of them, in PromQL against a real Prometheus: the
// authorization allow ratio per resource, failed logins by reason, calls and errors per dependency, and sessions.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify from 'fastify'
import { createLookout } from 'lookout'
import { lookout as lookoutPlugin } from 'lookout/fastify'
import pino from 'pino'
import { startPrometheus } from '../../support/prometheus.ts'

test('the per-resource allow ratio, failed logins by reason and calls/errors per dependency come out of a real Prometheus', async (t) => {
  const lookout = createLookout({ service: 'presets' }, { env: {}, logger: pino({ level: 'silent' }) })
  const app = Fastify()
  await app.register(lookoutPlugin, { lookout })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(async () => {
    await app.close()
    await lookout.shutdown()
  })
  const port = (app.server.address() as { port: number }).port

  const check = (resource: string, action: string) =>
    lookout.instrument(
      {
        preset: 'authz',
        operation: 'check',
        labels: { resource, action },
        classify: (ok: boolean) => (ok ? 'allow' : 'deny'),
      },
      (ok: boolean) => ok,
    )
  const readUser = check('user', 'read')
  const readInvoice = check('invoice', 'read')
  for (const ok of [true, true, true, false]) readUser(ok)
  for (const ok of [true, false]) readInvoice(ok)

  const login = lookout.instrument(
    {
      preset: 'auth',
      operation: 'login',
      classify: (reason: string) =>
        reason === 'none'
          ? 'success'
          : { status: reason === 'locked' ? 'locked' : 'failure', labels: { reason } },
    },
    async (reason: string) => reason,
  )
  for (const r of [
    'none',
    'invalid_credentials',
    'invalid_credentials',
    'locked',
    'a-reason-nobody-declared',
  ])
    await login(r)

  const call = (dependency: string) =>
    lookout.instrument(
      { preset: 'dependency', operation: 'call', labels: { dependency } },
      async (fail: boolean) => {
        if (fail) throw new Error('upstream 503')
      },
    )
  const payments = call('payments')
  const geoip = call('geoip')
  for (const fail of [false, false, true]) await payments(fail).catch(() => undefined)
  for (const fail of [false, true, true, true]) await geoip(fail).catch(() => undefined)

  lookout.session('created')
  lookout.session('created')
  lookout.session('created')
  lookout.session('destroyed', 'logout')
  lookout.session('destroyed', 'stolen-cookie-theory')
  lookout.session('binding_failed', 'ip_mismatch')

  const prom = await startPrometheus(
    t,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: presets',
      `    static_configs: [ { targets: ['127.0.0.1:${port}'] } ]`,
    ].join('\n'),
  )
  if (!prom) return
  t.after(() => prom.stop())
  await prom.waitForQuery('up{job="presets"}', (v) => v === 1)
  await prom.waitForQuery('sum(session_binding_failures_total)', (v) => v === 1)

  const byLabel = async (expr: string, label: string) => {
    const out: Record<string, number> = {}
    for (const s of await prom.query(expr)) out[s.metric[label]!] = Number(s.value[1])
    return out
  }
  const cases: { question: string; expr: string; by: string; expected: Record<string, number> }[] = [
    {
      question: 'allow ratio per resource',
      expr: 'sum by (resource) (authz_checks_total{decision="allow"}) / sum by (resource) (authz_checks_total)',
      by: 'resource',
      expected: { user: 0.75, invoice: 0.5 },
    },
    {
      question: 'failed logins by reason',
      expr: 'sum by (reason) (auth_operations_total{operation="login",status!="success"})',
      by: 'reason',
      expected: { invalid_credentials: 2, locked: 1, other: 1 },
    },
    {
      question: 'calls per dependency',
      expr: 'sum by (dependency) (dependency_calls_total)',
      by: 'dependency',
      expected: { payments: 3, geoip: 4 },
    },
    {
      question: 'errors per dependency',
      expr: 'sum by (dependency) (dependency_calls_total{status!="success"})',
      by: 'dependency',
      expected: { payments: 1, geoip: 3 },
    },
    {
      question: 'calls per dependency from the duration histogram',
      expr: 'sum by (dependency) (dependency_calls_duration_seconds_count)',
      by: 'dependency',
      expected: { payments: 3, geoip: 4 },
    },
    {
      question: 'sessions ended by reason',
      expr: 'sum by (reason) (sessions_destroyed_total)',
      by: 'reason',
      expected: { logout: 1, other: 1 },
    },
  ]
  for (const c of cases) assert.deepEqual(await byLabel(c.expr, c.by), c.expected, c.question)
  assert.equal((await prom.query('sessions_active'))[0]?.value[1], '1')
  assert.equal((await prom.query('sum(sessions_created_total)'))[0]?.value[1], '3')
})
