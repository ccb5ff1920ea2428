import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { createLookout } from 'lookout'
import pino from 'pino'
import { buildIdentityApp, seedUsers } from '../../../examples/identity-service/app.ts'
import { openIdentityDb } from '../../../examples/identity-service/db.ts'
import { createTokenService } from '../../../examples/identity-service/tokens.ts'
import { startPrometheus } from '../../support/prometheus.ts'

test('a real Prometheus scrapes the demo and PromQL returns the request count the test generated', async (t) => {
  const token = randomBytes(16).toString('hex')
  const lookout = createLookout(
    { service: 'identity-service', metrics: { token, tenantLabel: true }, http: { tenants: ['acme'] } },
    { env: {}, logger: pino({ level: 'silent' }) },
  )
  const db = openIdentityDb(':memory:')
  await seedUsers(db, ['acme'], 'demo-password-123')
  const app = await buildIdentityApp({ lookout, db, tokens: createTokenService(randomBytes(32)) })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(async () => {
    await app.close()
    db.close()
  })
  const port = (app.server.address() as { port: number }).port

  const prom = await startPrometheus(
    t,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: identity',
      '    metrics_path: /metrics',
      '    authorization: { type: Bearer, credentials_file: token.txt }',
      `    static_configs: [ { targets: ['127.0.0.1:${port}'] } ]`,
    ].join('\n'),
    { 'token.txt': token },
  )
  if (!prom) return
  t.after(() => prom.stop())

  const logins = 7
  const failures = 3
  for (let i = 0; i < logins; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant-id': 'acme' },
      body: JSON.stringify({ email: 'admin@acme.example', password: 'demo-password-123' }),
    })
    assert.equal(res.status, 200)
  }
  for (let i = 0; i < failures; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant-id': 'acme' },
      body: JSON.stringify({ email: 'admin@acme.example', password: 'wrong-password' }),
    })
    assert.equal(res.status, 401)
  }

  const ok = await prom.waitForQuery(
    'sum(http_requests_total{job="identity",route="/auth/login",status="200",tenant="acme"})',
    (v) => v === logins,
  )
  assert.equal(ok, logins)
  const failed = await prom.waitForQuery(
    'sum(auth_operations_total{operation="login",status="failure"})',
    (v) => v === failures,
  )
  assert.equal(failed, failures)
  const up = await prom.query('up{job="identity"}')
  assert.equal(up[0]?.value[1], '1')
  const p95 = await prom.waitForQuery(
    'histogram_quantile(0.95, sum by (le) (http_request_duration_seconds_bucket{route="/auth/login"}))',
    (v) => Number.isFinite(v) && v > 0,
  )
  assert.ok(p95 > 0 && p95 < 10, `p95 ${p95}`)
})
