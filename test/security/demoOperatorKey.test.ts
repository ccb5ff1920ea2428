import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'

const MAIN = new URL('../../examples/identity-service/main.ts', import.meta.url).pathname

test('the demo prints its generated operator key on stderr, never among the log lines on stdout', async (t) => {
  const { LOOKOUT_OPERATOR_KEYS: _ignored, ...env } = process.env
  const child = spawn(process.execPath, ['--conditions=lookout-source', '--import', 'tsx', MAIN], {
    env: {
      ...env,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_DATA_DIR: mkdtempSync(join(tmpdir(), 'lookout-demo-key-')),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  let stdout = ''
  let stderr = ''
  const key = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      if (/operator key: /.test(stdout)) reject(new Error('the operator key was printed on stdout'))
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
      const m = /operator key: (\S+)/.exec(stderr)
      if (m) resolve(m[1]!)
    })
    child.once('exit', (code) =>
      reject(new Error(`the demo exited (${code}) before printing its key:\n${stderr}`)),
    )
  })
  const base = /listening on (http:\/\/\S+)/.exec(stderr)?.[1]
  assert.ok(base, 'the banner names the address')
  // A logged request proves stdout carries the logs while the key stays off it.
  const res = await fetch(`${base}/observability/slo/status/acme`, {
    headers: { authorization: `Bearer ${key}` },
  })
  assert.equal(res.status, 200)
  child.kill('SIGTERM')
  await once(child, 'exit')
  assert.ok(stdout.length > 0, 'the demo wrote log lines to stdout')
  assert.ok(!stdout.includes(key), 'the operator key appeared on stdout')
  for (const line of stdout.split('\n').filter((l) => l.trim() !== '')) {
    assert.doesNotThrow(
      () => JSON.parse(line),
      `stdout carries only JSON log lines, got: ${line.slice(0, 120)}`,
    )
  }
})
