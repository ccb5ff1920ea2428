import assert from 'node:assert/strict'
import { createServer, type Socket } from 'node:net'
import { test } from 'node:test'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import pg from 'pg'
import { lookout } from '../../../src/fastify/index.ts'
import { httpCheck } from '../../../src/health/checks/httpCheck.ts'
import { postgresCheck } from '../../../src/health/checks/postgresCheck.ts'
import { redisCheck } from '../../../src/health/checks/redisCheck.ts'
import type { HealthCheck } from '../../../src/health/healthCheck.ts'
import { waitFor } from '../../support/binaries.ts'
import { startPostgres } from '../../support/postgres.ts'
import { startRedis } from '../../support/redis.ts'

const KEY = 'operator-key-0123456789'
const INTERVAL_MS = 200

async function probeApp(checks: HealthCheck[]) {
  const app = Fastify()
  await app.register(lookout, {
    operator: { keys: [KEY] },
    logging: { level: 'silent' },
    health: {
      intervalMs: INTERVAL_MS,
      defaultChecks: false,
      checks,
      shutdown: { handleSignals: false, drainDelayMs: 0 },
    },
  } as never)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  return { app, base }
}

interface Detail {
  status: string
  checks: Record<string, { status: string; output?: string; componentType: string; observedUnit: string }[]>
}

/** The one entry of a check in the detailed view (fails the test when missing). */
function entry(detail: Detail, key: string): Detail['checks'][string][number] {
  const found = detail.checks[key]?.[0]
  assert.ok(found, `${key} is in the detailed view`)
  return found
}

async function detailOf(base: string, operator = true): Promise<Detail> {
  const res = await fetch(`${base}/health`, operator ? { headers: { authorization: `Bearer ${KEY}` } } : {})
  return (await res.json()) as Detail
}

async function readyStatus(base: string): Promise<number> {
  return (await fetch(`${base}/health/ready`)).status
}

/** Waits until the readiness probe answers `status`, polling every 20 ms (bounded only to catch a hang). */
async function readinessBecomes(base: string, status: number): Promise<void> {
  await waitFor(`readiness ${status}`, async () => (await readyStatus(base)) === status, 120_000, 20)
}

test('readiness follows a real PostgreSQL going down and coming back (URL and pool checks)', async (t) => {
  const db = await startPostgres(t)
  if (!db) return
  t.after(() => db.stop())
  // Generous timeouts: on a busy machine a handshake can outlast the defaults, and the point is the refusal.
  const timeoutMs = 30_000
  const pool = new pg.Pool({ connectionString: db.url, max: 2, connectionTimeoutMillis: timeoutMs })
  pool.on('error', () => {}) // the pause terminates idle clients; a real app must listen too
  t.after(() => pool.end().catch(() => {}))
  const { app, base } = await probeApp([
    postgresCheck({ target: db.url, timeoutMs }),
    postgresCheck({ name: 'postgres-pool', target: pool, timeoutMs }),
  ])
  t.after(() => app.close())
  await readinessBecomes(base, 200)
  const healthy = await detailOf(base, false)
  assert.equal(entry(healthy, 'postgres:responseTime').componentType, 'datastore')
  assert.equal(entry(healthy, 'postgres:responseTime').observedUnit, 'ms')

  await db.pause()
  // Refused connections fail at once (a refusal or reset, not the check's timeout).
  await readinessBecomes(base, 503)
  const detail = await detailOf(base)
  assert.equal(detail.status, 'fail')
  assert.equal(entry(detail, 'postgres:responseTime').status, 'fail')
  // A check that was mid-handshake when the server stopped sees the reset; later ones see the refusal.
  assert.match(
    entry(detail, 'postgres:responseTime').output ?? '',
    /ECONNREFUSED|ECONNRESET|terminat|connect/i,
  )
  assert.equal((await fetch(`${base}/health/live`)).status, 200, 'liveness never depends on the database')

  await db.resume()
  await readinessBecomes(base, 200)
})

test('readiness follows a real redis-server going down and coming back (URL and ioredis checks)', async (t) => {
  const redis = await startRedis(t)
  if (!redis) return
  t.after(() => redis.stop())
  const client = new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 1 })
  client.on('error', () => {})
  t.after(() => client.disconnect())
  const { app, base } = await probeApp([
    redisCheck({ target: redis.url }),
    redisCheck({ name: 'redis-client', target: client }),
  ])
  t.after(() => app.close())
  await readinessBecomes(base, 200)

  await redis.pause()
  await readinessBecomes(base, 503)
  const detail = await detailOf(base)
  assert.equal(entry(detail, 'redis:responseTime').status, 'fail')
  assert.doesNotMatch(entry(detail, 'redis:responseTime').output ?? '', /timed out/)

  await redis.resume()
  await readinessBecomes(base, 200)
})

test('probes never wait on a check while every dependency hangs (a TCP server that accepts and never answers)', async (t) => {
  const sockets = new Set<Socket>()
  const blackhole = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve))
  t.after(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        blackhole.close(() => resolve())
      }),
  )
  const port = (blackhole.address() as { port: number }).port
  const hanging = (timeoutMs: number | undefined) => [
    postgresCheck({ target: `postgres://app:pw@127.0.0.1:${port}/app`, ...(timeoutMs ? { timeoutMs } : {}) }),
    redisCheck({ target: `redis://127.0.0.1:${port}`, ...(timeoutMs ? { timeoutMs } : {}) }),
    httpCheck({ name: 'idp', url: `http://127.0.0.1:${port}/health`, ...(timeoutMs ? { timeoutMs } : {}) }),
  ]

  // Checks with the longest timeout (60 s): every probe that answers while they still hang did not wait on them
  // (one that waited would hang with them). The probe's latency itself is measured in bench/micro/probes.ts.
  {
    const { app, base } = await probeApp(hanging(60_000))
    t.after(() => app.close())
    await waitFor('the checks to connect to the black hole', () => sockets.size >= 3)
    for (let round = 0; round < 10; round++) {
      for (const path of ['/health/ready', '/health', '/health/live']) {
        const res = await fetch(`${base}${path}`)
        await res.arrayBuffer()
        assert.ok(res.status === 200 || res.status === 503, `${path} answered ${res.status}`)
      }
    }
    assert.ok(sockets.size >= 3, 'the checks were still hanging on the black hole while the probes answered')
    await app.close()
    for (const s of sockets) s.destroy()
  }

  // With their default timeouts (postgres 2 s, redis and http 1 s) the checks fail with the timeout as output.
  const { app, base } = await probeApp(hanging(undefined))
  t.after(() => app.close())
  await waitFor(
    'every check to time out',
    async () => {
      const d = await detailOf(base)
      return ['postgres', 'redis', 'idp'].every((k) =>
        /timed out/.test(d.checks[`${k}:responseTime`]?.[0]?.output ?? ''),
      )
    },
    120_000,
  )
  const detail = await detailOf(base)
  assert.equal(detail.status, 'fail')
  assert.equal(entry(detail, 'postgres:responseTime').output, 'timed out after 2000 ms')
  assert.equal(entry(detail, 'redis:responseTime').output, 'timed out after 1000 ms')
  assert.equal(entry(detail, 'idp:responseTime').output, 'timed out after 1000 ms')
  assert.equal(await readyStatus(base), 503)
})
