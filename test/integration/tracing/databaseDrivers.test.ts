import assert from 'node:assert/strict'
import { once } from 'node:events'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { spawnTsFixture } from '../../support/tsFixture.ts'

const FIXTURE = fileURLToPath(new URL('../../fixtures/tracing-apps/databaseDrivers.mjs', import.meta.url))

const CASES = [
  {
    name: 'every driver installed loads the pg, ioredis, mysql2 and mongodb instrumentations',
    hidden: [],
    drivers: ['pg', 'ioredis', 'mysql2', 'mongodb'],
    instrumentations: [
      '@opentelemetry/instrumentation-ioredis',
      '@opentelemetry/instrumentation-mongodb',
      '@opentelemetry/instrumentation-mysql2',
      '@opentelemetry/instrumentation-pg',
    ],
  },
  {
    name: 'without mysql2 and mongodb their instrumentations are never loaded, and nothing fails',
    hidden: ['mysql2', 'mongodb'],
    drivers: ['pg', 'ioredis'],
    instrumentations: ['@opentelemetry/instrumentation-ioredis', '@opentelemetry/instrumentation-pg'],
  },
  {
    name: 'without any driver no database instrumentation is loaded',
    hidden: ['pg', 'ioredis', 'mysql2', 'mongodb', 'redis', '@redis/client'],
    drivers: [],
    instrumentations: [],
  },
] as const

for (const c of CASES) {
  test(`database tracing: ${c.name}`, async (t) => {
    const child = spawnTsFixture(t, FIXTURE, {
      PATH: process.env.PATH,
      HIDDEN_PACKAGES: c.hidden.join(','),
    })
    const [code] = await once(child.child, 'exit')
    assert.equal(code, 0, child.stderr)
    assert.deepEqual(JSON.parse(child.stdout.trim().split('\n').pop()!), {
      drivers: c.drivers,
      instrumentations: c.instrumentations,
    })
  })
}
