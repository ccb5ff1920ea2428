import assert from 'node:assert/strict'
import { test } from 'node:test'
import { maskConfig } from '../../../src/config/maskConfig.ts'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import { LookoutError } from '../../../src/errors.ts'
import { parseStoreUrl } from '../../../src/store/parseStoreUrl.ts'

const cases: [string, string | undefined, unknown][] = [
  ['no URL means SQLite in memory: nothing is written', undefined, { engine: 'sqlite', path: ':memory:' }],
  [
    'a relative sqlite: path resolves against the working directory',
    'sqlite:data/x.db',
    { engine: 'sqlite', path: '/srv/data/x.db' },
  ],
  ['an absolute sqlite:// path is kept', 'sqlite:///tmp/x.db', { engine: 'sqlite', path: '/tmp/x.db' }],
  ['sqlite::memory: is an in-memory database', 'sqlite::memory:', { engine: 'sqlite', path: ':memory:' }],
  [
    'postgres:// selects PostgreSQL',
    'postgres://u:p@db:5432/l',
    { engine: 'postgres', connectionString: 'postgres://u:p@db:5432/l' },
  ],
  [
    'postgresql:// selects PostgreSQL',
    'postgresql://db/l',
    { engine: 'postgres', connectionString: 'postgresql://db/l' },
  ],
]

for (const [name, url, expected] of cases) {
  test(name, () => {
    assert.deepEqual(parseStoreUrl(url, '/srv'), expected)
  })
}

test('an unknown scheme is a coded error', () => {
  assert.throws(
    () => parseStoreUrl('mysql://db/x', '/srv'),
    (e: unknown) => e instanceof LookoutError && e.code === 'LOOKOUT_ERR_STORE_URL',
  )
})

test('LOOKOUT_STORE_URL is read and masked because it may carry a password', () => {
  const config = resolveConfig({}, { LOOKOUT_STORE_URL: 'postgres://lookout:hunter2@db/lookout' })
  assert.equal(config.store.url, 'postgres://lookout:hunter2@db/lookout')
  assert.ok(!JSON.stringify(maskConfig(config)).includes('hunter2'))
})

test('an invalid LOOKOUT_STORE_URL stops start-up naming the variable', () => {
  assert.throws(
    () => resolveConfig({}, { LOOKOUT_STORE_URL: 'redis://x' }),
    (e: unknown) => e instanceof LookoutError && /LOOKOUT_STORE_URL/.test(e.message),
  )
})
