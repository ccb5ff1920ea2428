import assert from 'node:assert/strict'
import { once } from 'node:events'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { waitFor } from '../../support/binaries.ts'
import { spawnTsFixture } from '../../support/tsFixture.ts'

const FIXTURE = fileURLToPath(new URL('../../fixtures/express/errorApp.ts', import.meta.url))

for (const ownHandler of [false, true]) {
  test(`Express${ownHandler ? ' with its own error handler after Lookout’s' : ''}: an error in a router mounted at /api is labelled with the mounted template and never printed unredacted`, async (t) => {
    const app = spawnTsFixture(t, FIXTURE, {
      ...process.env,
      NODE_OPTIONS: '',
      NODE_ENV: 'production',
      OWN_HANDLER: ownHandler ? '1' : '0',
    })
    const child = app.child
    await waitFor(
      'the app to listen',
      () => /^listening \d+$/m.test(app.stdout) || child.exitCode !== null,
      60_000,
    )
    const port = Number(/^listening (\d+)$/m.exec(app.stdout)?.[1])

    const res = await fetch(`http://127.0.0.1:${port}/api/boom/7`)
    const body = await res.text()
    assert.equal(res.status, ownHandler ? 418 : 500)
    assert.doesNotMatch(body, /alice|at .*errorApp/, 'no message or stack in the response')
    const ok = await fetch(`http://127.0.0.1:${port}/api/fine/8`)
    await ok.arrayBuffer()

    await waitFor('both request lines', () => app.stdout.split('"event":"request"').length - 1 >= 2, 15_000)
    const requests = app.stdout
      .split('\n')
      .filter((l) => l.includes('"event":"request"'))
      .map((l) => JSON.parse(l) as { route: string; status: number })
    assert.deepEqual(
      requests.map((r) => [r.route, r.status]),
      [
        ['/api/boom/:id', ownHandler ? 418 : 500],
        ['/api/fine/:id', 200],
      ],
    )
    child.kill('SIGTERM')
    await once(child, 'exit')
    assert.doesNotMatch(app.stdout, /alice@example\.com/)
    assert.doesNotMatch(app.stderr, /alice@example\.com/, `app.stderr: ${app.stderr}`)
  })
}
