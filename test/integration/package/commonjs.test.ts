import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { requireBuilt } from '../../support/binaries.ts'
import { PUBLIC_SURFACE } from '../../types/publicSurface.ts'

const root = new URL('../../../', import.meta.url)
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  exports: Record<string, unknown>
}

// A CommonJS application loads the ES module build with require() (Node 22.12+): no top-level await may appear
// anywhere in the graph of an export, or require() throws ERR_REQUIRE_ASYNC_MODULE.
for (const subpath of Object.keys(pkg.exports)) {
  if (subpath === './package.json') continue
  const specifier = subpath === '.' ? 'lookout' : `lookout/${subpath.slice(2)}`
  test(`a CommonJS app can require("${specifier}") from the build`, (t) => {
    if (!requireBuilt(t, 'dist/index.js')) return
    const out = execFileSync(
      process.execPath,
      ['-e', `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)}))))`],
      { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
    )
    const names = JSON.parse(out.trim().split('\n').pop()!) as string[]
    assert.deepEqual(names.sort(), [...(PUBLIC_SURFACE[specifier]?.values ?? ['(not pinned)'])].sort())
  })
}
