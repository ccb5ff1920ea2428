import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import pino from 'pino'
import { createLookout } from '../../../src/core/createLookout.ts'
import { LookoutError } from '../../../src/errors.ts'
import { startPostgres } from '../../support/postgres.ts'

const silent = pino({ level: 'silent' })

for (const engine of ['sqlite', 'postgres'] as const) {
  test(`lookout.start() opens and migrates the ${engine} store; shutdown closes it`, async (t) => {
    let url: string
    if (engine === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'lookout-install-'))
      t.after(() => rmSync(dir, { recursive: true, force: true }))
      url = `sqlite:${join(dir, 'nested', 'lookout.db')}`
    } else {
      const pg = await startPostgres(t)
      if (pg === undefined) return
      t.after(() => pg.stop())
      url = pg.url
    }
    const lookout = createLookout(
      { metrics: { processMetrics: false, hostMetrics: false } },
      { env: { LOOKOUT_STORE_URL: url }, logger: silent },
    )
    assert.throws(
      () => lookout.store,
      (e: unknown) => e instanceof LookoutError && e.code === 'LOOKOUT_ERR_STORE_NOT_STARTED',
    )
    await lookout.start()
    assert.equal(lookout.store.engine, engine)
    assert.equal(await lookout.store.acquireLease('demo', lookout.storeOwner, 1000), true)
    await lookout.store.alertRoutes.put('acme', { routes: [] })
    await lookout.shutdown()
    assert.throws(() => lookout.store)

    // A second instance on the same database sees what the first wrote (migrations already applied).
    const again = createLookout({}, { env: { LOOKOUT_STORE_URL: url }, logger: silent })
    await again.start()
    assert.deepEqual((await again.store.alertRoutes.get('acme'))?.config, { routes: [] })
    await again.shutdown()
  })
}

test('a store that cannot be reached fails start-up with a coded error and no password in it', async () => {
  const lookout = createLookout(
    {},
    { env: { LOOKOUT_STORE_URL: 'postgres://lookout:hunter2@127.0.0.1:1/nope' }, logger: silent },
  )
  await assert.rejects(
    lookout.start(),
    (e: unknown) =>
      e instanceof LookoutError &&
      e.code === 'LOOKOUT_ERR_STORE_UNAVAILABLE' &&
      !e.message.includes('hunter2') &&
      !JSON.stringify(e.details).includes('hunter2'),
  )
  await lookout.shutdown()
})

test('store.path (or LOOKOUT_STORE_PATH) puts the SQLite store in that file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-path-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'state', 'ops.db')
  const lookout = createLookout({}, { env: { LOOKOUT_STORE_PATH: file }, logger: silent })
  await lookout.start()
  assert.equal(lookout.store.engine, 'sqlite')
  await lookout.store.alertRoutes.put('acme', { routes: [] })
  await lookout.shutdown()
  assert.ok(existsSync(file), `${file} was created`)
})

test('an unusable store.path stops start-up with LOOKOUT_ERR_STORE_PATH naming the option', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-path-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const blocker = join(dir, 'a-file')
  writeFileSync(blocker, '')
  const lookout = createLookout({ store: { path: join(blocker, 'ops.db') } }, { logger: silent })
  await assert.rejects(
    lookout.start(),
    (e: unknown) =>
      e instanceof LookoutError &&
      e.code === 'LOOKOUT_ERR_STORE_PATH' &&
      e.message.includes('store.path') &&
      e.message.includes('LOOKOUT_STORE_PATH'),
  )
  await lookout.shutdown()
})

test('with no store location nothing is written to the working directory, even with alerting and status on', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-cwd-'))
  const before = process.cwd()
  process.chdir(dir)
  t.after(() => {
    process.chdir(before)
    rmSync(dir, { recursive: true, force: true })
  })
  const lookout = createLookout(
    { alerting: { enabled: true }, status: { enabled: true } },
    { env: {}, logger: silent },
  )
  await lookout.start()
  await lookout.store.alertRoutes.put('acme', { routes: [] })
  assert.deepEqual((await lookout.store.alertRoutes.get('acme'))?.config, { routes: [] })
  await lookout.shutdown()
  assert.deepEqual(readdirSync(dir), [])
})

test('store.enabled: false is accepted when no area keeps state, and refused with alerting on', async () => {
  const off = createLookout(
    { store: { enabled: false }, alerting: { enabled: false }, status: { enabled: false } },
    { env: {}, logger: silent },
  )
  await off.start()
  assert.throws(
    () => off.store,
    (e: unknown) => e instanceof LookoutError,
  )
  await off.shutdown()
  assert.throws(
    () =>
      createLookout({ store: { enabled: false }, alerting: { enabled: true } }, { env: {}, logger: silent }),
    (e: unknown) => e instanceof LookoutError && e.code === 'LOOKOUT_ERR_STORE_DISABLED',
  )
})
