import assert from 'node:assert/strict'
import { test } from 'node:test'
import pg from 'pg'
import { startPostgres } from '../../support/postgres.ts'
import { startRedis } from '../../support/redis.ts'

test('a throw-away PostgreSQL cluster answers queries, pauses and resumes', async (t) => {
  const handle = await startPostgres(t)
  if (!handle) return
  t.after(() => handle.stop())
  const client = new pg.Client({ connectionString: handle.url })
  await client.connect()
  const { rows } = await client.query('select 41 + 1 as n')
  assert.equal(rows[0].n, 42)
  await client.end().catch(() => {})
  await handle.pause()
  const down = new pg.Client({ connectionString: handle.url, connectionTimeoutMillis: 1000 })
  await assert.rejects(down.connect())
  await handle.resume()
  const again = new pg.Client({ connectionString: handle.url })
  await again.connect()
  assert.equal((await again.query('select 1 as one')).rows[0].one, 1)
  await again.end()
})

test('a throw-away redis-server answers and comes back after a pause', async (t) => {
  const redis = await startRedis(t)
  if (!redis) return
  t.after(() => redis.stop())
  const { Redis } = await import('ioredis')
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 })
  await client.connect()
  assert.equal(await client.ping(), 'PONG')
  client.disconnect()
  await redis.pause()
  await redis.resume()
  const c2 = new Redis(redis.url, { lazyConnect: true })
  await c2.connect()
  assert.equal(await c2.ping(), 'PONG')
  c2.disconnect()
})
