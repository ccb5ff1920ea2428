import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { LookoutError } from '../../../src/errors.ts'
import { lookout } from '../../../src/http/adapters/express.ts'
import { assertSupportedExpress, expressVersionFrom } from '../../../src/http/adapters/supportedFrameworks.ts'

const isVersionError = (e: unknown) =>
  e instanceof LookoutError &&
  e.code === 'LOOKOUT_ERR_FRAMEWORK_VERSION' &&
  e.message.includes('Express 4.x or 5.x')

const cases: [string, string | undefined, boolean][] = [
  ['Express 4 is supported', '4.22.3', true],
  ['Express 5 is supported', '5.3.0', true],
  ['Express 3 is refused', '3.21.2', false],
  ['a future Express 6 is refused', '6.0.0', false],
  ['an Express the application does not resolve is let through', undefined, true],
]

for (const [name, version, ok] of cases) {
  test(name, () => {
    if (ok) assert.doesNotThrow(() => assertSupportedExpress(version))
    else assert.throws(() => assertSupportedExpress(version), isVersionError)
  })
}

/** A folder whose node_modules holds an `express` of the given version, as an application's would. */
function appWithExpress(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-express-version-'))
  mkdirSync(join(dir, 'node_modules', 'express'), { recursive: true })
  writeFileSync(
    join(dir, 'node_modules', 'express', 'package.json'),
    JSON.stringify({ name: 'express', version, main: 'index.js' }),
  )
  return dir
}

test('the Express version is read from the first place that resolves it', (t) => {
  const old = appWithExpress('3.21.2')
  t.after(() => rmSync(old, { recursive: true, force: true }))
  assert.equal(expressVersionFrom(['', join(old, 'does-not-exist'), old]), '3.21.2')
  assert.equal(expressVersionFrom([tmpdir()]), undefined)
})

test('the middleware refuses an application whose entry script resolves Express 3 (LOOKOUT_ERR_FRAMEWORK_VERSION)', (t) => {
  const old = appWithExpress('3.21.2')
  const entry = process.argv[1]
  const cwd = process.cwd()
  t.after(() => {
    process.argv[1] = entry ?? ''
    process.chdir(cwd)
    rmSync(old, { recursive: true, force: true })
  })
  process.argv[1] = join(old, 'app.js')
  process.chdir(old)
  assert.throws(() => lookout({ service: 'legacy', logging: { level: 'silent' } }), isVersionError)
})
