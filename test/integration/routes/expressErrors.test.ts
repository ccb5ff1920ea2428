import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { waitFor } from '../../support/binaries.ts'

const FIXTURE = fileURLToPath(new URL('../../fixtures/express/errorApp.ts', import.meta.url))

for (const ownHandler of [false, true]) {
  test(`Express${ownHandler ? ' with its own error handler after Lookout’s' : ''}: an error in a router mounted at /api is labelled with the mounted template and never printed unredacted`, async (t) => {
    const child = spawn(process.execPath, ['--conditions=lookout-source', '--import', 'tsx', FIXTURE], {
      env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'production', OWN_HANDLER: ownHandler ? '1' : '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
    })
    await waitFor(
      'the app to listen',
      () => /^listening \d+$/m.test(stdout) || child.exitCode !== null,
      60_000,
    )
    const port = Number(/^listening (\d+)$/m.exec(stdout)?.[1])

    const res = await fetch(`http://127.0.0.1:${port}/api/boom/7`)
    const body = await res.text()
    assert.equal(res.status, ownHandler ? 418 : 500)
    assert.doesNotMatch(body, /alice|at .*errorApp/, 'no message or stack in the response')
    const ok = await fetch(`http://127.0.0.1:${port}/api/fine/8`)
    await ok.arrayBuffer()

    await waitFor('both request lines', () => stdout.split('"event":"request"').length - 1 >= 2, 15_000)
    const requests = stdout
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
    assert.doesNotMatch(stdout, /alice@example\.com/)
    assert.doesNotMatch(stderr, /alice@example\.com/, `stderr: ${stderr}`)
  })
}
