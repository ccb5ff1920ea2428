import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { apiEntries, apiSurface, renderApiDoc } from '../../scripts/gen-api-docs.ts'
import { PUBLIC_SURFACE } from './publicSurface.ts'

const REGENERATE = 'run: node --conditions=lookout-source --import tsx scripts/gen-api-docs.ts'

test('every subpath exports exactly the pinned values and types (compile-time surface)', () => {
  const actual: Record<string, { values: string[]; types: string[] }> = {}
  for (const [specifier, exports] of apiSurface()) {
    actual[specifier] = {
      values: exports.filter((e) => e.value).map((e) => e.name),
      types: exports.filter((e) => !e.value).map((e) => e.name),
    }
  }
  assert.deepEqual(actual, PUBLIC_SURFACE)
})

test('every subpath’s runtime exports are the pinned values', () => {
  // A child process: lookout/register sets up tracing when imported.
  const script = `
    const out = {}
    for (const s of ${JSON.stringify(apiEntries().map((e) => e.specifier))}) out[s] = Object.keys(await import(s)).sort()
    console.log(JSON.stringify(out))`
  const stdout = execFileSync(
    process.execPath,
    ['--conditions=lookout-source', '--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: new URL('../../', import.meta.url),
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '', OTEL_SDK_DISABLED: 'true' },
    },
  )
  const runtime = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, string[]>
  const pinned = Object.fromEntries(
    Object.entries(PUBLIC_SURFACE).map(([s, { values }]) => [s, [...values].sort()]),
  )
  assert.deepEqual(runtime, pinned)
})

test('docs/api.md lists the public API as the entry files export it (regenerate to fix)', () => {
  const current = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8')
  assert.equal(current, renderApiDoc(), REGENERATE)
})
