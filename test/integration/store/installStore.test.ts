import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
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
