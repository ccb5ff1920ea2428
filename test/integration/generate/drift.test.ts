// The committed example output (deploy/generated/) and the panel table in docs/dashboards.md are regenerated
// from examples/identity-service/lookout.config.ts; any difference fails (run `npm run generate:example`).
import assert from 'node:assert/strict'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { test } from 'node:test'
import demoConfig from '../../../examples/identity-service/lookout.config.ts'
import { runCli } from '../../../src/cli/runCli.ts'
import { generateAll } from '../../../src/generate/generateAll.ts'
import { buildGenerateModel } from '../../../src/generate/generateModel.ts'

const ROOT = new URL('../../../', import.meta.url).pathname

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

test('deploy/generated and docs/dashboards.md are exactly what lookout generate writes for the demo config', async () => {
  let out = ''
  const code = await runCli(
    [
      'generate',
      '--check',
      '--config',
      'examples/identity-service/lookout.config.ts',
      '--out',
      'deploy/generated',
      '--docs',
      'docs/dashboards.md',
    ],
    { cwd: ROOT, stdout: (s) => (out += s), stderr: (s) => (out += s) },
  )
  assert.equal(code, 0, `${out}\nrun: npm run generate:example`)
})

test('deploy/generated holds no file the generator no longer writes', () => {
  const r = buildGenerateModel(demoConfig)
  assert.ok(r.ok)
  const expected = generateAll(r.model)
    .map((f) => f.path)
    .sort()
  const dir = join(ROOT, 'deploy/generated')
  const actual = filesUnder(dir)
    .map((p) => relative(dir, p))
    .sort()
  assert.deepEqual(actual, expected)
})
