import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { createLookout } from 'lookout'
import { createLogCapture } from 'lookout/testing'
import { buildIdentityApp, seedUsers } from '../../../examples/identity-service/app.ts'
import { openIdentityDb } from '../../../examples/identity-service/db.ts'
import { createTokenService } from '../../../examples/identity-service/tokens.ts'

test('stopping the demo risk engine fails its health check, opens a status incident after two samples, and starting it resolves it', async (t) => {
  const logs = createLogCapture({ service: 'identity-service' })
  const lookout = createLookout(
    {
      service: 'identity-service',
      store: { url: `sqlite:${join(mkdtempSync(join(tmpdir(), 'lookout-demo-')), 'ops.db')}` },
      status: { enabled: true, intervalMs: 60_000, openAfter: 2, resolveAfter: 3 },
      health: { shutdown: { drainDelayMs: 0 }, intervalMs: 60_000 },
    } as never,
    { env: {}, logger: logs.logger },
  )
  const db = openIdentityDb(':memory:')
  await seedUsers(db, ['acme'], 'demo-password-123')
  const app = await buildIdentityApp({ lookout, db, tokens: createTokenService(randomBytes(32)) })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(async () => {
    await app.close()
    db.close()
  })
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const incidents = async () =>
    ((await (await fetch(`${base}/public/status/incidents`)).json()) as { open: { title: string }[] }).open

  assert.equal((await fetch(`${base}/demo/risk-engine/stop`, { method: 'POST' })).status, 200)
  // Two sampler passes with the engine down open one incident (each pass re-runs the health checks).
  await lookout.status!.sampleNow()
  assert.equal((await incidents()).length, 0, 'one failing sample is not enough')
  await lookout.status!.sampleNow()
  const open = await incidents()
  assert.equal(open.length, 1)
  const health = (await (await fetch(`${base}/health`)).json()) as {
    status: string
    checks: Record<string, { status: string }[]>
  }
  assert.equal(health.checks['risk-engine:responseTime']?.[0]?.status, 'fail')
  assert.equal(health.status, 'warn', 'a non-critical dependency degrades, it does not fail readiness')
  assert.equal((await fetch(`${base}/health/ready`)).status, 200)

  assert.equal((await fetch(`${base}/demo/risk-engine/start`, { method: 'POST' })).status, 200)
  for (let i = 0; i < 3; i++) await lookout.status!.sampleNow()
  assert.equal((await incidents()).length, 0, 'three healthy samples resolve it')
})
