import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { freePort, requireBinary, startProcess, waitFor } from './binaries.ts'

/** A throw-away redis-server on loopback. */
export interface RedisHandle {
  readonly url: string
  readonly port: number
  /** Stops the server (simulates an outage); `resume()` starts it again on the same port. */
  pause(): Promise<void>
  resume(): Promise<void>
  stop(): Promise<void>
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' }, () => s.write('PING\r\n'))
    s.setTimeout(500, () => {
      s.destroy()
      resolve(false)
    })
    s.once('data', (d) => {
      s.destroy()
      resolve(d.toString().startsWith('+PONG'))
    })
    s.once('error', () => resolve(false))
  })
}

/**
 * Starts `redis-server` on a free loopback port with no persistence. Skips locally when missing; fails under CI.
 *
 * @example
 * const redis = await startRedis(t); if (!redis) return
 * t.after(() => redis.stop())
 */
export async function startRedis(t: TestContext): Promise<RedisHandle | undefined> {
  const bin = requireBinary(t, 'redis-server')
  if (!bin) return undefined
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'lookout-redis-'))
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ]
  let proc = startProcess(bin, args)
  await waitFor('redis-server to answer PING', () => ping(port), 15_000)
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async pause() {
      await proc.stop('SIGKILL')
    },
    async resume() {
      proc = startProcess(bin, args)
      await waitFor('redis-server to answer PING', () => ping(port), 15_000)
    },
    async stop() {
      await proc.stop('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
