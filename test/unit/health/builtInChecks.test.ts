import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { test } from 'node:test'
import { createCheckRegistry } from '../../../src/health/checkRegistry.ts'
import { diskCheck } from '../../../src/health/checks/diskCheck.ts'
import { eventLoopDelayCheck } from '../../../src/health/checks/eventLoopDelayCheck.ts'
import { httpCheck } from '../../../src/health/checks/httpCheck.ts'
import { memoryCheck } from '../../../src/health/checks/memoryCheck.ts'
import { sqliteCheck } from '../../../src/health/checks/sqliteCheck.ts'
import type { CheckState, HealthCheck } from '../../../src/health/healthCheck.ts'

async function runOnce(check: HealthCheck): Promise<CheckState> {
  const checks = createCheckRegistry({ intervalMs: 60_000 })
  checks.add(check)
  await checks.refresh()
  const [result] = checks.results()
  assert.ok(result)
  return result
}

test('sqlite: a handle and an existing file pass; a missing file fails', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-health-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'app.db')
  const db = new DatabaseSync(file)
  t.after(() => db.close())
  db.exec('CREATE TABLE t (x INTEGER)')
  assert.equal((await runOnce(sqliteCheck({ target: db }))).status, 'pass')
  const fromFile = await runOnce(sqliteCheck({ target: file }))
  assert.deepEqual(
    [fromFile.status, fromFile.componentType, fromFile.observedUnit],
    ['pass', 'datastore', 'ms'],
  )
  const missing = await runOnce(sqliteCheck({ target: join(dir, 'missing.db') }))
  assert.equal(missing.status, 'fail')
})

test('disk: reports the used percentage and judges it against the thresholds', async () => {
  const ok = await runOnce(diskCheck({ path: tmpdir(), warnPercent: 101, failPercent: 102 }))
  assert.equal(ok.status, 'pass')
  assert.equal(ok.observedUnit, '%')
  assert.equal(ok.measurement, 'utilization')
  assert.ok(typeof ok.observedValue === 'number' && ok.observedValue >= 0 && ok.observedValue <= 100)
  assert.equal(ok.critical, false)
  const full = await runOnce(diskCheck({ path: tmpdir(), warnPercent: 0, failPercent: 0 }))
  assert.equal(full.status, 'fail')
  const nearly = await runOnce(diskCheck({ path: tmpdir(), warnPercent: 0, failPercent: 101 }))
  assert.equal(nearly.status, 'warn')
})

test('memory: passes under its limits and fails over an RSS limit', async () => {
  assert.equal((await runOnce(memoryCheck())).status, 'pass')
  const over = await runOnce(memoryCheck({ maxRssBytes: 1024 }))
  assert.equal(over.status, 'fail')
  assert.match(over.output ?? '', /rss at \d+% of its limit/)
})

test('event loop: a blocked loop is reported as delay', async () => {
  const check = eventLoopDelayCheck({ warnMs: 50, failMs: 5000 })
  const checks = createCheckRegistry({ intervalMs: 60_000 })
  checks.add(check)
  await checks.refresh() // enables the histogram
  await new Promise((r) => setTimeout(r, 50))
  const until = Date.now() + 150
  while (Date.now() < until) {
    // block the loop
  }
  await new Promise((r) => setTimeout(r, 30))
  await checks.refresh()
  const [r] = checks.results()
  assert.equal(r?.status, 'warn')
  assert.ok((r?.observedValue as number) >= 50, `observed ${r?.observedValue} ms`)
  await checks.stop()
})

test('http: the status decides, the latency is observed, slowness warns', async (t) => {
  const server = createServer((req, res) => {
    if (req.url === '/slow') setTimeout(() => res.end('ok'), 80)
    else if (req.url === '/down') res.writeHead(503).end()
    else res.end('ok')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  t.after(() => new Promise<void>((r) => server.close(() => r())))
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  // A generous timeout: on a busy machine a loopback request can outlast the 1 s default, which is not the point here.
  const timeoutMs = 30_000
  const up = await runOnce(httpCheck({ name: 'idp', url: `${base}/health`, timeoutMs }))
  assert.deepEqual([up.status, up.observedUnit], ['pass', 'ms'])
  const down = await runOnce(httpCheck({ name: 'idp', url: `${base}/down`, timeoutMs }))
  assert.deepEqual([down.status, down.output], ['fail', 'HTTP 503'])
  const slow = await runOnce(httpCheck({ name: 'idp', url: `${base}/slow`, degradedAfterMs: 20, timeoutMs }))
  assert.equal(slow.status, 'warn')
  const expected = await runOnce(
    httpCheck({ name: 'idp', url: `${base}/down`, expectStatus: [503], timeoutMs }),
  )
  assert.equal(expected.status, 'pass')
  assert.equal(httpCheck({ url: 'http://Auth.Example.com/x' }).name, 'auth.example.com')
})
