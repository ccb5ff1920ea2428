import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { waitFor } from '../../support/binaries.ts'

const FIXTURE = fileURLToPath(new URL('../../fixtures/health/slowApp.ts', import.meta.url))
const GRACE_MS = 5000
const BURST = 8

test('SIGTERM during a burst of slow requests: readiness goes 503 first, every request gets 200, exit 0 within grace', async (t) => {
  const child = spawn(process.execPath, ['--conditions=lookout-source', '--import', 'tsx', FIXTURE], {
    env: { ...process.env, SLOW_MS: '1000', DRAIN_MS: '500', GRACE_MS: String(GRACE_MS) },
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
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>

  await waitFor('the fixture to listen', () => /^listening \d+$/m.test(stdout), 120_000, 20).catch((err) => {
    throw new Error(`${(err as Error).message}\n${stdout}\n${stderr}`)
  })
  const port = Number(/^listening (\d+)$/m.exec(stdout)?.[1])
  const base = `http://127.0.0.1:${port}`
  assert.equal((await fetch(`${base}/health/ready`)).status, 200)

  const burst = Array.from({ length: BURST }, () => fetch(`${base}/slow`).then((r) => r.status))
  await waitFor(
    'every slow request to start',
    () => stdout.split('slow-start').length - 1 === BURST,
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
  assert.equal(signal, null, stderr)
  assert.equal(code, 0, `${stdout}\n${stderr}`)
  assert.ok(tookMs < GRACE_MS, `exited ${Math.round(tookMs)} ms after SIGTERM`)

  const steps = stdout
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
