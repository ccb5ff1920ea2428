import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { startOtlpReceiver } from '../../support/otlpReceiver.ts'
import { startPostgres } from '../../support/postgres.ts'
import { startRedis } from '../../support/redis.ts'

const fixtures = fileURLToPath(new URL('../../fixtures/tracing-apps/', import.meta.url))
const SERVER = 2
const CLIENT = 3

async function startDownstream() {
  const seen: http.IncomingHttpHeaders[] = []
  const server = http.createServer((req, res) => {
    seen.push(req.headers)
    res.end('profile')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r())
        // Keep-alive sockets from the app would otherwise hold close() open.
        server.closeAllConnections()
      }),
  }
}

for (const app of ['esm-app.mjs', 'cjs-app.cjs']) {
  describe(`lookout/register with the ${app.startsWith('esm') ? 'ESM' : 'CommonJS'} test app`, () => {
    test('one trace links the server span, the pg query, the redis calls and the outbound fetch', async (t) => {
      const pgHandle = await startPostgres(t)
      if (!pgHandle) return
      t.after(() => pgHandle.stop())
      const redisHandle = await startRedis(t)
      if (!redisHandle) return
      t.after(() => redisHandle.stop())
      const receiver = await startOtlpReceiver()
      const downstream = await startDownstream()
      t.after(async () => {
        await downstream.close()
        await receiver.close()
      })
      const child = spawn(
        process.execPath,
        [
          '--conditions=lookout-source',
          '--trace-deprecation',
          '--import',
          'tsx',
          '--import',
          'lookout/register',
          `${fixtures}${app}`,
        ],
        {
          cwd: process.cwd(),
          env: {
            PATH: process.env.PATH,
            OTEL_SERVICE_NAME: app.replace(/\..*$/, ''),
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
            OTEL_BSP_SCHEDULE_DELAY: '20',
            DATABASE_URL: pgHandle.url,
            REDIS_URL: redisHandle.url,
            DOWNSTREAM_URL: downstream.url,
            LOOKOUT_HANDLE_SIGNALS: 'false',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      let stderr = ''
      child.stderr.on('data', (d) => {
        stderr += d
      })
      t.after(() => {
        if (child.exitCode === null) child.kill('SIGKILL')
      })
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`app did not start: ${stderr}`)), 120_000)
        let out = ''
        child.stdout.on('data', (d) => {
          out += d
          const m = /READY (\d+)/.exec(out)
          if (m) {
            clearTimeout(timer)
            resolve(Number(m[1]))
          }
        })
        child.on('exit', (code) => reject(new Error(`app exited ${code}: ${stderr}`)))
      })

      const res = await fetch(`http://127.0.0.1:${port}/users/7`)
      assert.equal(res.status, 200, await res.clone().text())
      assert.deepEqual(await res.json(), { id: 7, cached: 'seen', downstream: 'profile' })
      const traceId = res.headers.get('x-trace-id')
      assert.match(traceId ?? '', /^[0-9a-f]{32}$/)

      const spans = await receiver.waitForSpans((all) => {
        const mine = all.filter((s) => s.traceId === traceId)
        return (
          mine.some((s) => s.kind === SERVER) &&
          mine.some(
            (s) =>
              s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql',
          ) &&
          mine.filter(
            (s) => s.attributes['db.system'] === 'redis' || s.attributes['db.system.name'] === 'redis',
          ).length >= 2 &&
          mine.some((s) => s.kind === CLIENT && String(s.attributes['url.full'] ?? '').includes('/profile'))
        )
      }, 15_000)
      const mine = spans.filter((s) => s.traceId === traceId)
      const server = mine.find((s) => s.kind === SERVER)!
      assert.equal(server.name, 'GET /users/:id')
      assert.equal(server.resource['service.name'], app.replace(/\..*$/, ''))
      const byId = new Map(mine.map((s) => [s.spanId, s]))
      for (const s of mine) {
        // Every span descends from the server span (pg.connect sits under pg.query, for instance).
        let cursor: typeof s | undefined = s
        for (let depth = 0; cursor !== undefined && cursor !== server && depth < 10; depth++)
          cursor = byId.get(cursor.parentSpanId)
        assert.equal(cursor, server, `${s.name} descends from the server span`)
        if (s !== server) assert.notEqual(s.parentSpanId, '', `${s.name} has a parent`)
      }
      const query = mine.find((s) => s.name.startsWith('pg.query'))
      assert.ok(query, `a pg.query span: ${mine.map((s) => s.name).join(', ')}`)
      assert.equal(query.parentSpanId, server.spanId)
      assert.match(String(downstream.seen[0]?.traceparent), new RegExp(`^00-${traceId}-`))
      // The app's SIGTERM handler closes its server and clients; the process must then exit on its own.
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      const [code, signal] = (await exited) as [number | null, string | null]
      clearTimeout(timer)
      assert.equal(signal, null, `exited by itself after SIGTERM (stderr: ${stderr.slice(-500)})`)
      assert.equal(code, 0)
      // Node 26 deprecates module.register() (DEP0205); the hook lookout/register installs must not warn.
      assert.doesNotMatch(
        stderr,
        /register[/\\]index\.ts|registerEsmHook/,
        'no warning traced to lookout/register',
      )
    })
  })
}
