import assert from 'node:assert/strict'
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { REPO_ROOT } from '../../support/packedLookout.ts'

const run = promisify(execFile)

/** What Node 22 prints when `node:sqlite` loads (Node 24 and later load it silently). */
const SQLITE_WARNING = /ExperimentalWarning: SQLite is an experimental feature/

/**
 * The Node that runs the children: `LOOKOUT_TEST_NODE_22` (a Node 22 binary, set by .ci/run on the other lines),
 * else the Node running the suite — on Node 22 itself, the line that prints the warning.
 */
function childNode(): { path: string; major: number } {
  const path = process.env.LOOKOUT_TEST_NODE_22 || process.execPath
  const version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()
  return { path, major: Number(version.split('.')[0]) }
}

/**
 * Runs `body` (an ES module body, TypeScript sources loadable through tsx) in a fresh Node process with a
 * `'warning'` listener and a module hook that emits another ExperimentalWarning while `node:sqlite` loads, then
 * emits one more warning of its own; answers the child's stderr and the warnings its listener saw.
 */
async function warningsOf(node: string, body: string): Promise<{ stderr: string; seen: string[] }> {
  const script = `
import { registerHooks } from 'node:module'
const seen = []
process.on('warning', (w) => seen.push(w.name + ': ' + w.message))
const emitWarning = process.emitWarning
let during = false
registerHooks({
  resolve(specifier, context, next) {
    if (specifier === 'node:sqlite' && !during) {
      during = true
      process.emitWarning('Something else is experimental (during)', 'ExperimentalWarning')
    }
    return next(specifier, context)
  },
})
${body}
process.emitWarning('Something else is experimental (after)', 'ExperimentalWarning')
await new Promise((resolve) => setImmediate(resolve))
if (process.emitWarning !== emitWarning) throw new Error('process.emitWarning was not restored')
console.log(JSON.stringify(seen))
`
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' }
  delete env.NODE_NO_WARNINGS
  const { stdout, stderr } = await run(
    node,
    ['--conditions=lookout-source', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: REPO_ROOT, encoding: 'utf8', env, timeout: 60_000 },
  )
  return { stderr, seen: JSON.parse(stdout.trim().split('\n').pop()!) as string[] }
}

function assertOnlySqliteWarningDropped({ stderr, seen }: { stderr: string; seen: string[] }): void {
  assert.doesNotMatch(stderr, SQLITE_WARNING)
  assert.match(stderr, /ExperimentalWarning: Something else is experimental \(during\)/)
  assert.match(stderr, /ExperimentalWarning: Something else is experimental \(after\)/)
  assert.deepEqual(seen, [
    'ExperimentalWarning: Something else is experimental (during)',
    'ExperimentalWarning: Something else is experimental (after)',
  ])
}

test('on Node 22 a bare require of node:sqlite prints the SQLite ExperimentalWarning; later lines print none', async () => {
  const node = childNode()
  const { stderr } = await run(node.path, ['-e', `require('node:sqlite')`], {
    encoding: 'utf8',
    timeout: 60_000,
  })
  if (node.major === 22) assert.match(stderr, SQLITE_WARNING)
  else assert.doesNotMatch(stderr, SQLITE_WARNING)
})

test('opening the SQLite store prints no SQLite ExperimentalWarning; other warnings still reach stderr and listeners', async () => {
  const createStore = pathToFileURL(join(REPO_ROOT, 'src/store/createStore.ts')).href
  const warnings = await warningsOf(
    childNode().path,
    `
const { createStore } = await import(${JSON.stringify(createStore)})
const store = createStore()
await store.migrate()
await store.ping()
await store.close()
`,
  )
  assertOnlySqliteWarningDropped(warnings)
})

test('a SQLite health check on a file prints no SQLite ExperimentalWarning; other warnings still reach stderr and listeners', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-sqlite-warning-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  // An empty file is an empty SQLite database.
  const file = join(dir, 'app.db')
  writeFileSync(file, '')
  const sqliteCheck = pathToFileURL(join(REPO_ROOT, 'src/health/checks/sqliteCheck.ts')).href
  const warnings = await warningsOf(
    childNode().path,
    `
const { sqliteCheck } = await import(${JSON.stringify(sqliteCheck)})
await sqliteCheck({ target: ${JSON.stringify(file)} }).run()
`,
  )
  assertOnlySqliteWarningDropped(warnings)
})
