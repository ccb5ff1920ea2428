// The generated LogQL, run over the lines Lookout really ships: the demo identity service logs through Lookout's
// logger to a loopback Loki push receiver (the real worker transport, stream labels and JSON lines as Loki gets
// them) while fixed requests drive a login, a failed and a locked login, token refreshes (one unknown), a denied
// cross-tenant read, an invalid access token and the risk engine (one failure, slow successes). Every LogQL query of every generated dashboard is then parsed by the strict
// checker and evaluated over the received entries with Loki's pipeline semantics: each must select data, and no
// `by` may group on a field no selected line carries.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { buildIdentityApp, seedUsers } from '../../../examples/identity-service/app.ts'
import { openIdentityDb } from '../../../examples/identity-service/db.ts'
import demoConfig from '../../../examples/identity-service/lookout.config.ts'
import { createTokenService } from '../../../examples/identity-service/tokens.ts'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import type { LookoutOptions } from '../../../src/config/schema.ts'
import { createLookout } from '../../../src/core/createLookout.ts'
import { buildGenerateModel } from '../../../src/generate/generateModel.ts'
import { queryInventory } from '../../../src/generate/queryInventory.ts'
import { createLogger } from '../../../src/logging/createLogger.ts'
import { evaluateLogql, parseLogql } from '../../support/logql.ts'
import { startLokiReceiver } from '../../support/lokiReceiver.ts'
import { captureStream } from '../../unit/logging/captureStream.ts'

/** A `random` that replays `values` (then repeats the last one). */
function sequence(values: readonly number[]): () => number {
  let i = 0
  return () => values[Math.min(i++, values.length - 1)]!
}

test('every generated LogQL query selects lines the demo really ships to Loki: logins, lockouts, refreshes, denials, failing and slow dependency calls', {
  timeout: 180_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-logql-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const loki = await startLokiReceiver()
  t.after(() => loki.close())

  const options: LookoutOptions = {
    ...demoConfig.lookout,
    store: { url: `sqlite:${join(dir, 'lookout.db')}` },
    logging: { loki: { url: loki.url, batchIntervalMs: 100 } },
  }
  // Lines go to Loki; the local copy stays in memory instead of the test's stdout.
  const logger = createLogger(resolveConfig(options, {}), captureStream())
  const lookout = createLookout(options, { env: {}, logger })
  const db = openIdentityDb(join(dir, 'identity.db'))
  await seedUsers(db, ['acme', 'globex'], 'demo-password-123')
  const app = await buildIdentityApp({
    lookout,
    db,
    tokens: createTokenService(randomBytes(32)),
    lockAfter: 3,
    // A fixed sequence: the first call fails fast (502), the second is slow (1.2 s), the rest succeed fast.
    riskEngine: {
      failureRate: 0.5,
      slowRate: 0.5,
      slowMs: 1200,
      failureThreshold: 100,
      random: sequence([0.1, 0.9, 0.1, 0.9, 0.1, 0.5, 0.9]),
    },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  await lookout.start()
  t.after(async () => {
    await app.close()
    await lookout.shutdown()
    db.close()
  })
  const port = (app.server.address() as { port: number }).port

  const base = `http://127.0.0.1:${port}`
  let requests = 0
  const call = async (
    method: string,
    path: string,
    init: { tenant?: string; token?: string; body?: unknown } = {},
  ) => {
    requests++
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(init.tenant === undefined ? {} : { 'x-tenant-id': init.tenant }),
        ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
    return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, string> }
  }
  const login = (tenant: string, email: string, password: string) =>
    call('POST', '/auth/login', { tenant, body: { email, password } })
  const statuses: Record<string, number[]> = {}
  const expect = async (what: string, r: Promise<{ status: number }>) => {
    const list = statuses[what] ?? []
    list.push((await r).status)
    statuses[what] = list
  }

  // Each outcome an on-call reads on the logs dashboard, once or more, in a fixed order.
  const acme = await login('acme', 'admin@acme.example', 'demo-password-123')
  assert.equal(acme.status, 200)
  const token = acme.body.accessToken
  await expect('read users', call('GET', '/users', { tenant: 'acme', token }))
  await expect('missing user', call('GET', '/users/no-such-user', { tenant: 'acme', token }))
  await expect('cross-tenant read', call('GET', '/users', { tenant: 'globex', token }))
  await expect('invalid access token', call('GET', '/users', { tenant: 'acme', token: 'not.a.valid-token' }))
  await expect('unknown login', login('acme', 'nobody@acme.example', 'whatever-password'))
  for (let i = 0; i < 4; i++)
    await expect('lockout', login('globex', 'admin@globex.example', 'wrong-password'))
  await expect('refresh', call('POST', '/auth/refresh', { body: { refreshToken: acme.body.refreshToken } }))
  await expect(
    'unknown refresh',
    call('POST', '/auth/refresh', { body: { refreshToken: randomBytes(24).toString('hex') } }),
  )
  for (let i = 0; i < 3; i++) await expect('risk', call('GET', '/risk/score', { tenant: 'acme' }))
  assert.deepEqual(statuses, {
    'read users': [200],
    'missing user': [404],
    'cross-tenant read': [403],
    'invalid access token': [401],
    'unknown login': [401],
    lockout: [401, 401, 423, 423],
    refresh: [200],
    'unknown refresh': [401],
    risk: [502, 200, 200],
  })
  // Everything written so far has reached the receiver once the request lines of every request have.
  await loki.waitFor(
    (entries) => entries.filter((e) => e.line.includes('"event":"request"')).length >= requests,
    60_000,
  )
  assert.deepEqual(loki.violations, [])

  const r = buildGenerateModel(demoConfig)
  assert.ok(r.ok)
  const logql = queryInventory(r.model).filter((e) => e.language === 'logql')
  assert.ok(logql.length >= 15, `only ${logql.length} LogQL queries`)
  const problems: string[] = []
  for (const e of logql) {
    try {
      const result = evaluateLogql(parseLogql(e.expr), loki.entries)
      if (result.results.length === 0) problems.push(`${e.where}: no data — ${e.expr}`)
      if (result.emptyGroupings.length > 0)
        problems.push(`${e.where}: groups on ${result.emptyGroupings.join(', ')}, which no line carries`)
    } catch (err) {
      problems.push(`${e.where}: ${(err as Error).message} — ${e.expr}`)
    }
  }
  assert.deepEqual(problems, [])
  t.diagnostic(`${logql.length} LogQL queries evaluated over ${loki.entries.length} shipped lines`)
})
