import assert from 'node:assert/strict'
import { DatabaseSync } from 'node:sqlite'
import { test } from 'node:test'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { nodeSqliteDatabase } from '../../../src/store/nodeSqliteDatabase.ts'

interface Schema {
  samples: { id: number; check: string; ok: number }
}

/** A real in-memory database that counts the statements it prepares, by SQL text. */
class CountingDatabase extends DatabaseSync {
  readonly prepared = new Map<string, number>()
  override prepare(text: string) {
    this.prepared.set(text, (this.prepared.get(text) ?? 0) + 1)
    return super.prepare(text)
  }
  /** How many times a statement starting with `prefix` was prepared. */
  count(prefix: string): number {
    let n = 0
    for (const [text, times] of this.prepared) if (text.startsWith(prefix)) n += times
    return n
  }
}

async function open(statementCacheSize?: number) {
  const raw = new CountingDatabase(':memory:')
  const handle = nodeSqliteDatabase(raw, statementCacheSize === undefined ? {} : { statementCacheSize })
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: handle }) })
  await sql`create table samples (id integer primary key, "check" text not null, ok integer not null)`.execute(
    db,
  )
  return { raw, handle, db }
}

const countOk = (db: Kysely<Schema>, check: string) =>
  db
    .selectFrom('samples')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('check', '=', check)
    .where('ok', '=', 1)
    .executeTakeFirstOrThrow()

test('a query run many times is prepared once and gives the same results as a fresh statement', async (t) => {
  const { raw, db } = await open()
  t.after(() => db.destroy())
  for (let i = 1; i <= 50; i++)
    await db
      .insertInto('samples')
      .values({ id: i, check: i % 2 === 0 ? 'db' : 'cache', ok: i % 3 === 0 ? 0 : 1 })
      .execute()
  const counts: number[] = []
  for (let i = 0; i < 20; i++) counts.push((await countOk(db, i % 2 === 0 ? 'db' : 'cache')).n)
  assert.deepEqual(counts.slice(0, 2), [17, 17])
  assert.ok(counts.every((n, i) => n === counts[i % 2]))
  assert.equal(raw.count('insert into "samples"'), 1, 'the insert is prepared once for 50 rows')
  assert.equal(raw.count('select count(*)'), 1, 'the count is prepared once for 20 runs')
  // The same answers as an uncached database over the same rows.
  const fresh = new DatabaseSync(':memory:')
  fresh.exec('create table samples (id integer primary key, "check" text not null, ok integer not null)')
  for (let i = 1; i <= 50; i++)
    fresh
      .prepare('insert into samples values (?, ?, ?)')
      .run(i, i % 2 === 0 ? 'db' : 'cache', i % 3 === 0 ? 0 : 1)
  const expected = fresh.prepare('select count(*) as n from samples where "check" = ? and ok = 1').get('db')
  fresh.close()
  assert.equal(counts[0], (expected as { n: number }).n)
})

test('a reused statement reports each run’s own changes and insert id', async (t) => {
  const { db } = await open()
  t.after(() => db.destroy())
  const first = await db.insertInto('samples').values({ id: 7, check: 'a', ok: 1 }).executeTakeFirstOrThrow()
  const second = await db.insertInto('samples').values({ id: 9, check: 'b', ok: 1 }).executeTakeFirstOrThrow()
  assert.deepEqual([first.insertId, second.insertId], [7n, 9n])
  const none = await db.updateTable('samples').set({ ok: 0 }).where('id', '=', 100).executeTakeFirstOrThrow()
  const one = await db.updateTable('samples').set({ ok: 0 }).where('id', '=', 7).executeTakeFirstOrThrow()
  assert.deepEqual([none.numUpdatedRows, one.numUpdatedRows], [0n, 1n])
})

test('a failed run leaves the cached statement usable', async (t) => {
  const { raw, db } = await open()
  t.after(() => db.destroy())
  const insert = (id: number) => db.insertInto('samples').values({ id, check: 'x', ok: 1 }).execute()
  await insert(1)
  await assert.rejects(insert(1), /UNIQUE constraint failed/)
  await insert(2)
  assert.equal(raw.count('insert into "samples"'), 1)
  assert.deepEqual(await db.selectFrom('samples').select('id').orderBy('id').execute(), [
    { id: 1 },
    { id: 2 },
  ])
})

test('a streamed select abandoned half-way does not disturb the next run of the same statement', async (t) => {
  const { raw, db } = await open()
  t.after(() => db.destroy())
  for (let i = 1; i <= 5; i++) await db.insertInto('samples').values({ id: i, check: 'x', ok: 1 }).execute()
  const query = db.selectFrom('samples').select('id').orderBy('id')
  for await (const row of query.stream()) {
    assert.deepEqual(row, { id: 1 })
    break
  }
  const ids: number[] = []
  for await (const row of query.stream()) ids.push(row.id)
  assert.deepEqual(ids, [1, 2, 3, 4, 5])
  assert.deepEqual(await query.execute(), [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }, { id: 5 }])
  assert.equal(raw.count('select "id" from "samples"'), 1)
})

test('the cache is bounded: the least recently used statement is dropped and prepared again on its next use', async (t) => {
  const { raw, db } = await open(2)
  t.after(() => db.destroy())
  const byId = (id: number) => sql`select ${sql.lit(id)} as n`.execute(db)
  await byId(1) // cache: 1
  await byId(2) // cache: 1 2
  await byId(1) // hit; cache: 2 1
  await byId(3) // drops 2; cache: 1 3
  await byId(1) // hit
  await byId(2) // prepared again
  assert.deepEqual(
    [1, 2, 3].map((n) => raw.prepared.get(`select ${n} as n`)),
    [1, 2, 1],
  )
})

test('a cache size of 0 prepares every query', async (t) => {
  const { raw, db } = await open(0)
  t.after(() => db.destroy())
  for (let i = 0; i < 3; i++) await sql`select 1 as n`.execute(db)
  assert.equal(raw.prepared.get('select 1 as n'), 3)
})

test('close closes the database once, and no cached statement outlives it', async () => {
  const { raw, handle, db } = await open()
  await sql`select 1 as n`.execute(db)
  handle.close()
  assert.equal(handle.open, false)
  assert.equal(raw.isOpen, false)
  handle.close()
  assert.throws(() => handle.prepare('select 1 as n'), /not open/)
})
