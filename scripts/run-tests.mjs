#!/usr/bin/env node
// Runs the test suite with Node's built-in runner. Test files are TypeScript, loaded through tsx; the
// `lookout-source` condition makes `import 'lookout/…'` resolve to src/ so tests never depend on a stale build
// (the package-exports test checks dist/ separately).
//
// Usage: node scripts/run-tests.mjs [dir-or-file ...]   (default: test/)
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const roots = process.argv.slice(2).filter((a) => !a.startsWith('--'))
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--'))

function collect(path, out) {
  const st = statSync(path)
  if (st.isFile()) {
    if (/\.test\.(ts|mts|js|mjs)$/.test(path)) out.push(path)
    return out
  }
  for (const entry of readdirSync(path).sort()) {
    if (entry === 'node_modules' || entry === 'fixtures') continue
    collect(join(path, entry), out)
  }
  return out
}

const files = []
for (const root of roots.length > 0 ? roots : ['test']) collect(root, files)
if (files.length === 0) {
  console.error('run-tests: no test files found under', roots.join(' ') || 'test')
  process.exit(1)
}

const concurrency = process.env.LOOKOUT_TEST_CONCURRENCY ?? '3'
const args = [
  '--conditions=lookout-source',
  '--import',
  'tsx',
  '--test',
  `--test-concurrency=${concurrency}`,
  '--test-timeout=240000',
  ...passThrough,
  ...files.map((f) => relative(process.cwd(), f)),
]
const child = spawn(process.execPath, args, { stdio: 'inherit' })
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)))
