import assert from 'node:assert/strict'
import { once } from 'node:events'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { waitFor } from '../../support/binaries.ts'
import { spawnTsFixture } from '../../support/tsFixture.ts'

const FIXTURE = fileURLToPath(new URL('../../fixtures/health/slowApp.ts', import.meta.url))
const GRACE_MS = 5000
const BURST = 8

test('SIGTERM during a burst of slow requests: readiness goes 503 first, every request gets 200, exit 0 within grace', async (t) => {
  const app = spawnTsFixture(t, FIXTURE, {
    ...process.env,
    SLOW_MS: '1000',
    DRAIN_MS: '500',
    GRACE_MS: String(GRACE_MS),
  })
  const child = app.child
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>

  await waitFor('the fixture to listen', () => /^listening \d+$/m.test(app.stdout), 120_000, 20).catch(
    (err) => {
      throw new Error(`${(err as Error).message}\n${app.stdout}\n${app.stderr}`)
    },
  )
  const port = Number(/^listening (\d+)$/m.exec(app.stdout)?.[1])
  const base = `http://127.0.0.1:${port}`
  assert.equal((await fetch(`${base}/health/ready`)).status, 200)

  const burst = Array.from({ length: BURST }, () => fetch(`${base}/slow`).then((r) => r.status))
  await waitFor(
    'every slow request to start',
    () => app.stdout.split('slow-start').length - 1 === BURST,
    120_000,
    5,
  )

  const killedAt = performance.now()
  child.kill('SIGTERM')

  // Poll readiness until the listener refuses: the first answers after SIGTERM must be 503 (still served).
  const seen: (number | 'refused')[] = []
  let lateRequest: Promise<number> | undefined
  while (seen.at(-1) !== 'refused' && performance.now() - killedAt < GRACE_MS) {
    try {
      const res = await fetch(`${base}/health/ready`)
      await res.arrayBuffer()
      seen.push(res.status)
      // A request that arrives during the drain delay is still served in full.
      if (res.status === 503 && lateRequest === undefined)
        lateRequest = fetch(`${base}/slow`).then((r) => r.status)
    } catch {
      seen.push('refused')
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  assert.ok(seen.includes(503), `readiness answers after SIGTERM: ${seen.join(',')}`)
  assert.equal(
    seen.indexOf(200) === -1 || seen.indexOf(200) < seen.indexOf(503),
    true,
    'no 200 after the first 503',
  )
  assert.equal(seen.at(-1), 'refused', 'the listener closes after the drain delay')

  assert.deepEqual(await Promise.all(burst), Array(BURST).fill(200))
  assert.equal(await lateRequest, 200)

  const [code, signal] = await exited
  const tookMs = performance.now() - killedAt
  assert.equal(signal, null, app.stderr)
  assert.equal(code, 0, `${app.stdout}\n${app.stderr}`)
  assert.ok(tookMs < GRACE_MS, `exited ${Math.round(tookMs)} ms after SIGTERM`)

  const steps = app.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.event === 'shutdown_step')
    .map((l) => l.step)
  assert.deepEqual(steps.slice(0, 5), [
    'readiness_failing',
    'drain_delay',
    'stop_accepting',
    'in_flight',
    'close_connections',
  ])
})
