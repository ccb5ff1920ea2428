import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createLineDestination } from '../../../src/logging/lineDestination.ts'

const dir = mkdtempSync(join(tmpdir(), 'lookout-lines-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
function file(): { path: string; fd: number } {
  const path = join(dir, `out-${files++}.log`)
  return { path, fd: openSync(path, 'a') }
}
const flushed = (d: { flush(cb: (err?: Error) => void): void }) =>
  new Promise<void>((resolve) => d.flush(() => resolve()))
const line = (i: number) => `${JSON.stringify({ level: 'info', i, msg: `line ${i} é` })}\n`

test('lines written while a write is in flight arrive complete and in order', async () => {
  const { path, fd } = file()
  const d = createLineDestination({ fd, synchronous: false })
  const expected: string[] = []
  for (let i = 0; i < 5000; i++) {
    expected.push(line(i))
    assert.equal(d.write(line(i)), true)
    if (i % 500 === 0) await sleep(1) // let some batches complete in between
  }
  await flushed(d)
  closeSync(fd)
  assert.equal(readFileSync(path, 'utf8'), expected.join(''))
  assert.deepEqual(d.dropped, { backlog: 0, writeFailed: 0 })
})

test('lines past the pending bound are dropped whole and counted, the rest written', async () => {
  const { path, fd } = file()
  const d = createLineDestination({ fd, maxPendingChars: 100, synchronous: false })
  const accepted: string[] = []
  let tries = 0
  while (d.dropped.backlog === 0 && tries++ < 100) {
    const l = `pending ${tries} ${'x'.repeat(20)}\n`
    const before = d.dropped.backlog
    d.write(l)
    if (d.dropped.backlog === before) accepted.push(l)
  }
  assert.ok(d.dropped.backlog >= 1, 'the bound was reached')
  assert.ok(accepted.join('').length <= 100)
  await flushed(d)
  closeSync(fd)
  assert.equal(readFileSync(path, 'utf8'), accepted.join(''))
})

test('a descriptor that cannot be written drops and counts lines and never throws', async () => {
  const path = join(dir, 'read-only.log')
  writeFileSync(path, '')
  const fd = openSync(path, 'r') // writes fail with EBADF
  const d = createLineDestination({ fd, synchronous: false })
  d.write(line(1))
  await flushed(d)
  d.write(line(2))
  d.write(line(3))
  d.flushSync()
  assert.deepEqual(d.dropped, { backlog: 0, writeFailed: 3 })
  closeSync(fd)
  assert.equal(readFileSync(path, 'utf8'), '')
})

test('a full non-blocking pipe is retried until its reader drains it, losing nothing', async () => {
  // `cat` copies its stdin (our pipe) to its stdout; stopped, it lets the pipe fill (~64 KiB) and fs.write fails
  // with EAGAIN until it runs again.
  const cat = spawn('cat', [], { stdio: ['pipe', 'pipe', 'ignore'] })
  const fd = (cat.stdin as unknown as { _handle: { fd: number } })._handle.fd
  assert.ok(fd > 2, 'the pipe has a descriptor')
  let received = 0
  cat.stdout.on('data', (chunk: Buffer) => {
    received += chunk.length
  })
  cat.kill('SIGSTOP')
  const d = createLineDestination({ fd })
  let sent = 0
  for (let i = 0; i < 4000; i++) {
    const l = `${'y'.repeat(60)} ${i}\n`
    sent += Buffer.byteLength(l)
    d.write(l)
  }
  await sleep(100)
  assert.ok(received < sent, 'the stopped reader has not taken everything')
  cat.kill('SIGCONT')
  await flushed(d)
  cat.stdin.end()
  await new Promise((resolve) => cat.once('close', resolve))
  assert.equal(received, sent)
  assert.deepEqual(d.dropped, { backlog: 0, writeFailed: 0 })
})

test('flushSync writes the queued lines before it returns', () => {
  const { path, fd } = file()
  const d = createLineDestination({ fd, synchronous: false })
  d.write('a\n')
  d.write('b\n')
  d.write('c\n')
  d.flushSync()
  const now = readFileSync(path, 'utf8')
  assert.ok(now.includes('b\nc\n'), `queued lines on disk: ${JSON.stringify(now)}`)
  closeSync(fd)
})

test('the lines of one event-loop turn reach a file together, after the turn, with one synchronous write', async () => {
  const { path, fd } = file()
  const d = createLineDestination({ fd })
  const lines = Array.from({ length: 100 }, (_, i) => line(i))
  for (const l of lines) d.write(l)
  assert.equal(readFileSync(path, 'utf8'), '', 'nothing is written during the turn')
  await new Promise((resolve) => setImmediate(resolve))
  assert.equal(readFileSync(path, 'utf8'), lines.join(''), 'everything is written once the turn ends')
  d.write(line(100))
  d.flushSync()
  assert.equal(readFileSync(path, 'utf8'), [...lines, line(100)].join(''))
  closeSync(fd)
})

test('a file descriptor that cannot be written in synchronous mode drops and counts lines and never throws', async () => {
  const path = join(dir, 'read-only-sync.log')
  writeFileSync(path, '')
  const fd = openSync(path, 'r')
  const d = createLineDestination({ fd, synchronous: true })
  d.write(line(1))
  d.write(line(2))
  await flushed(d)
  d.write(line(3))
  await flushed(d)
  assert.deepEqual(d.dropped, { backlog: 0, writeFailed: 3 })
  closeSync(fd)
})

test('a Lookout with its own logger writes through it and exposes its drops as lookout_log_lines_dropped_total', async () => {
  const { createLookout } = await import('../../../src/core/createLookout.ts')
  const { loggerInternals } = await import('../../../src/logging/createLogger.ts')
  const lookout = createLookout({ service: 'lines', logging: { level: 'silent' } } as never, { env: {} })
  try {
    assert.ok(loggerInternals(lookout.logger)?.lineDestination !== undefined)
    const text = await lookout.registry.expose()
    assert.match(text, /^lookout_log_lines_dropped_total\{reason="backlog"\} 0$/m)
    assert.match(text, /^lookout_log_lines_dropped_total\{reason="write_failed"\} 0$/m)
  } finally {
    await lookout.shutdown()
  }
})
