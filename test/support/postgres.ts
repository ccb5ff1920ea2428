import { chownSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import pg from 'pg'
import { findBinary, freePort, IN_CI, run } from './binaries.ts'

/** A throw-away PostgreSQL cluster on loopback. */
export interface PostgresHandle {
  /** Connection URL of a fresh, empty database (trust auth on 127.0.0.1). */
  readonly url: string
  readonly port: number
  /** Creates another empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>
  /** Stops the server but keeps its data (simulates an outage); `resume()` starts it again on the same port. */
  pause(): Promise<void>
  /** Starts a paused server again. */
  resume(): Promise<void>
  /** Stops the cluster (fast mode) and removes its directory. Idempotent. */
  stop(): Promise<void>
}

function asPostgresUser(cmd: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [cmd, args]
  return ['runuser', ['-u', 'postgres', '--', cmd, ...args]]
}

let counter = 0

/**
 * Starts a PostgreSQL cluster with `initdb` / `pg_ctl` on a temp dir and a free port (run as the `postgres`
 * user when we are root, since PostgreSQL refuses to run as root). Skips the test locally when the binaries are
 * missing; fails under CI. Stop it in `t.after`.
 *
 * @example
 * const pgh = await startPostgres(t); if (!pgh) return
 * t.after(() => pgh.stop())
 */
export async function startPostgres(t: TestContext): Promise<PostgresHandle | undefined> {
  const initdb = findBinary('initdb')
  const pgCtl = findBinary('pg_ctl')
  if (!initdb || !pgCtl) {
    if (IN_CI) throw new Error('initdb/pg_ctl are required under CI=true')
    t.skip('PostgreSQL binaries (initdb, pg_ctl) not found')
    return undefined
  }
  const dir = mkdtempSync(join(tmpdir(), 'lookout-pg-'))
  const data = join(dir, 'data')
  if (process.getuid?.() === 0) {
    // Resolve the postgres uid/gid properly rather than assuming 101/104.
    const uid = Number((await run('id', ['-u', 'postgres'])).trim())
    const gid = Number((await run('id', ['-g', 'postgres'])).trim())
    chownSync(dir, uid, gid)
  }
  const [c1, a1] = asPostgresUser(initdb, [
    '-D',
    data,
    '--auth=trust',
    '-U',
    'postgres',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ])
  await run(c1, a1, { timeoutMs: 60_000 })
  const port = await freePort()
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`
  const startServer = async () => {
    const [c2, a2] = asPostgresUser(pgCtl, [
      '-D',
      data,
      '-o',
      opts,
      '-l',
      join(dir, 'log'),
      '-w',
      '-t',
      '30',
      'start',
    ])
    await run(c2, a2, { timeoutMs: 40_000 })
  }
  const stopServer = async (mode: 'fast' | 'immediate') => {
    const [c3, a3] = asPostgresUser(pgCtl, ['-D', data, '-m', mode, '-w', '-t', '20', 'stop'])
    await run(c3, a3, { timeoutMs: 30_000 })
  }
  await startServer()
  let stopped = false
  const base = `postgres://postgres@127.0.0.1:${port}`
  const createDatabase = async (name?: string) => {
    const db = name ?? `t_${process.pid}_${++counter}_${Date.now().toString(36)}`
    const client = new pg.Client({ connectionString: `${base}/postgres` })
    await client.connect()
    try {
      await client.query(`CREATE DATABASE "${db}"`)
    } finally {
      await client.end()
    }
    return `${base}/${db}`
  }
  const url = await createDatabase()
  return {
    url,
    port,
    createDatabase,
    pause: () => stopServer('immediate'),
    resume: startServer,
    async stop() {
      if (stopped) return
      stopped = true
      try {
        await stopServer('fast')
      } catch {
        // already down (a test may stop it on purpose)
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
