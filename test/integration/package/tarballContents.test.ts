import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { requireBuilt } from '../../support/binaries.ts'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  license: string
  engines: { node: string }
  exports: Record<string, string | Record<string, string>>
  bin: Record<string, string>
}

/** The files `npm pack` would put in the tarball, relative to the package root. */
async function packedFiles(): Promise<Set<string>> {
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NODE_OPTIONS: '', npm_config_update_notifier: 'false' },
  })
  const [info] = JSON.parse(stdout) as { files: { path: string }[] }[]
  return new Set(info!.files.map((f) => f.path))
}

test('the tarball carries an MIT LICENSE matching package.json', async () => {
  const files = await packedFiles()
  assert.ok(files.has('LICENSE'), 'LICENSE is packed')
  assert.equal(pkg.license, 'MIT')
  assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /^MIT License\n/)
})

test('engines names the tested Node lines: 22.13 and later, nothing older', () => {
  assert.equal(pkg.engines.node, '>=22.13')
})

test('every export condition and the bin point at files inside the tarball', async (t) => {
  if (!requireBuilt(t, 'dist/index.js')) return
  const files = await packedFiles()
  const targets = [
    ...Object.values(pkg.exports).flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v))),
    ...Object.values(pkg.bin),
  ]
  const missing = targets.map((p) => p.replace(/^\.\//, '')).filter((p) => !files.has(p))
  assert.deepEqual(missing, [])
})

test('every source map in the tarball points at sources inside the tarball', async (t) => {
  if (!requireBuilt(t, 'dist/index.js')) return
  const files = await packedFiles()
  const maps = [...files].filter((f) => f.endsWith('.map'))
  assert.ok(maps.length > 0, 'the build ships source maps')
  const dangling: string[] = []
  for (const map of maps) {
    const { sources } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[] }
    for (const source of sources) {
      const packed = join(map, '..', source)
      if (!files.has(packed)) dangling.push(`${map} -> ${packed}`)
    }
  }
  assert.deepEqual(dangling.slice(0, 5), [], `${dangling.length} dangling source references`)
})
