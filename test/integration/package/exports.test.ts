import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { requireBuilt } from '../../support/binaries.ts'
import { PUBLIC_SURFACE } from '../../types/publicSurface.ts'

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>
  bin?: Record<string, string>
}

// Runs after `npm run build` (npm test builds first): each subpath must resolve to built JS without the
// lookout-source condition, exactly as a user's `import` would, and export the pinned values.
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (subpath === './package.json') continue
  const specifier = subpath === '.' ? 'lookout' : `lookout/${subpath.slice(2)}`
  test(`the subpath export "${specifier}" resolves to built code and exports its pinned values`, (t) => {
    if (typeof target !== 'object' || !target.default || !target.types)
      assert.fail(`${subpath} needs types and default targets`)
    if (!requireBuilt(t, target.default)) return
    assert.ok(existsSync(new URL(`../../../${target.types}`, import.meta.url)), `${target.types} exists`)
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m)))`,
      ],
      {
        cwd: new URL('../../../', import.meta.url),
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    )
    const names = JSON.parse(out.trim().split('\n').pop()!) as string[]
    assert.deepEqual(names.sort(), [...(PUBLIC_SURFACE[specifier]?.values ?? ['(not pinned)'])].sort())
  })
}
