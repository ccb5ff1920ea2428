// Runs a table of store cases against both engines: a SQLite temp file and a real PostgreSQL cluster
// (initdb/pg_ctl via test/support/postgres.ts, one cluster per file, a fresh database per case).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestContext, test } from 'node:test'
import { createStore, type Store } from '../../../src/store/createStore.ts'
import { startPostgres } from '../../support/postgres.ts'

/** A settable clock shared by the store under test. */
export interface TestClock {
  now: number
}

/** One case: gets a migrated store on a fresh database and its clock. */
export type StoreCase = (store: Store, clock: TestClock, url: string) => Promise<void>

/** Opens a store at `url` with `clock` and migrates it. */
export async function openStore(url: string, clock: TestClock): Promise<Store> {
  const store = createStore({ url, now: () => clock.now })
  await store.migrate()
  return store
}

/**
 * Defines `<title> on sqlite` and `<title> on postgres`, each running every case as a subtest.
 *
 * @example
 * storeEngineTests('leases', { 'a second owner cannot take a live lease': async (store) => { ... } })
 */
export function storeEngineTests(title: string, cases: Record<string, StoreCase>): void {
  test(`${title} on sqlite`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-store-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    let n = 0
    await runCases(t, cases, async () => `sqlite:${join(dir, `case-${++n}.db`)}`)
  })
  test(`${title} on postgres`, async (t) => {
    const pg = await startPostgres(t)
    if (pg === undefined) return
    t.after(() => pg.stop())
    await runCases(t, cases, () => pg.createDatabase())
  })
}

async function runCases(t: TestContext, cases: Record<string, StoreCase>, newUrl: () => Promise<string>) {
  for (const [name, fn] of Object.entries(cases)) {
    await t.test(name, async () => {
      const url = await newUrl()
      const clock: TestClock = { now: 1_700_000_000_000 }
      const store = await openStore(url, clock)
      try {
        await fn(store, clock, url)
      } finally {
        await store.close()
      }
    })
  }
}
