import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { freePort, requireBinary, run, startProcess, waitFor } from './binaries.ts'

/** A throw-away MariaDB server on loopback (the MySQL wire protocol; what `mysql2` talks to). */
export interface MariaDbHandle {
  /** `mysql://root@127.0.0.1:<port>/<database>` — an empty database; no password (grant tables are skipped). */
  readonly url: string
  readonly port: number
  readonly database: string
  /** Stops the server and removes its data directory. Idempotent. */
  stop(): Promise<void>
}

/** Resolves when the server sends its protocol greeting (the first packet of every MySQL-protocol connection). */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' })
    s.setTimeout(1000, () => {
      s.destroy()
      resolve(false)
    })
    s.once('data', (d) => {
      s.destroy()
      // Packet header (3-byte length, sequence 0) then protocol version 10.
      resolve(d.length > 4 && d[3] === 0 && d[4] === 10)
    })
    s.once('error', () => resolve(false))
  })
}

/**
 * Starts `mariadbd` with a fresh data directory (`mariadb-install-db`) on a free loopback port, no grant tables,
 * no binary log and no durable flushes, and creates an empty database. Skips locally when the binaries are missing;
 * fails under CI. Stop it in `t.after`.
 *
 * @example
 * const db = await startMariaDb(t); if (!db) return
 * t.after(() => db.stop())
 */
export async function startMariaDb(t: TestContext): Promise<MariaDbHandle | undefined> {
  const installDb = requireBinary(t, 'mariadb-install-db')
  if (!installDb) return undefined
  const mariadbd = requireBinary(t, 'mariadbd')
  if (!mariadbd) return undefined
  const dir = mkdtempSync(join(tmpdir(), 'lookout-mariadb-'))
  const data = join(dir, 'data')
  // As root the server must be told to run as root (it refuses otherwise); any other user runs it as itself.
  const asUser = process.getuid?.() === 0 ? ['--user=root'] : []
  await run(
    installDb,
    [
      '--no-defaults',
      `--datadir=${data}`,
      ...asUser,
      '--skip-test-db',
      '--auth-root-authentication-method=normal',
    ],
    { timeoutMs: 120_000 },
  )
  const port = await freePort()
  const proc = startProcess(mariadbd, [
    '--no-defaults',
    `--datadir=${data}`,
    ...asUser,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${join(dir, 'sock')}`,
    `--pid-file=${join(dir, 'pid')}`,
    '--skip-grant-tables',
    '--skip-log-bin',
    '--innodb-buffer-pool-size=16M',
    '--innodb-flush-log-at-trx-commit=0',
  ])
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await proc.stop('SIGTERM', 20_000)
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitFor('mariadbd to greet', () => greets(port), 60_000, 100)
  } catch (error) {
    await stop()
    throw new Error(`${(error as Error).message}\n${proc.output()}`)
  }
  const database = 'lookout_test'
  // The command-line client ships with the server package; it creates the database the test connects to.
  const client = requireBinary(t, 'mariadb')
  if (!client) {
    await stop()
    return undefined
  }
  await run(client, [
    '--no-defaults',
    '-h127.0.0.1',
    `-P${port}`,
    '-uroot',
    '-e',
    `CREATE DATABASE ${database}`,
  ])
  return { url: `mysql://root@127.0.0.1:${port}/${database}`, port, database, stop }
}
