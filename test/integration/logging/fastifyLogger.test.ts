import assert from 'node:assert/strict'
import { once } from 'node:events'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { waitFor } from '../../support/binaries.ts'
import { spawnTsFixture } from '../../support/tsFixture.ts'

const FIXTURE = fileURLToPath(new URL('../../fixtures/logging/fastifyLoggerApp.ts', import.meta.url))

test('Fastify({ logger: true }): one redacted line per request, request.log redacted, no raw query string', async (t) => {
  const app = spawnTsFixture(t, FIXTURE, { ...process.env, NODE_OPTIONS: '' })
  const child = app.child
  await waitFor(
    'the app to listen',
    () => /^listening \d+$/m.test(app.stderr) || child.exitCode !== null,
    60_000,
  )
  const port = Number(/^listening (\d+)$/m.exec(app.stderr)?.[1])

  const ids: string[] = []
  for (const path of ['/login?token=tok-abcdef123456', '/early?token=tok-abcdef123456']) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`)
    await res.arrayBuffer()
    assert.equal(res.status, 200)
    ids.push(res.headers.get('x-request-id')!)
  }
  await waitFor('the request lines', () => app.stdout.split('"event":"request"').length - 1 >= 2, 15_000)
  child.kill('SIGTERM')
  await once(child, 'exit')

  const lines = app.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
  for (const id of ids) {
    const about = lines.filter((l) => JSON.stringify(l).includes(id))
    assert.equal(about.filter((l) => l.event === 'request').length, 1, `one request line for ${id}`)
    assert.ok(
      !about.some((l) => l.msg === 'incoming request' || 'req' in l || 'res' in l || 'reqId' in l),
      `no Fastify request lines:\n${about.map((l) => JSON.stringify(l)).join('\n')}`,
    )
    assert.equal(
      about.filter((l) => l.msg === 'login attempt' || l.msg === 'early route').length,
      1,
      "the route's own line carries the request id",
    )
  }
  assert.doesNotMatch(app.stdout, /alice@example\.com/)
  assert.doesNotMatch(app.stdout, /hunter2-secret/)
  assert.doesNotMatch(app.stdout, /tok-abcdef123456/)
  assert.ok(!lines.some((l) => 'reqId' in l), 'no second request id')
})
