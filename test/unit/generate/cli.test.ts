import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { EXIT_CODES, runCli } from '../../../src/cli/runCli.ts'

async function cli(args: string[], cwd = process.cwd()) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) })
  return { code, stdout, stderr }
}

const usage: [string, string[], number, RegExp][] = [
  ['no command', [], EXIT_CODES.usage, /Usage: lookout <command>/],
  ['--help', ['--help'], EXIT_CODES.ok, /Commands:/],
  ['an unknown command', ['deploy'], EXIT_CODES.usage, /unknown command "deploy"/],
  ['generate --help', ['generate', '--help'], EXIT_CODES.ok, /--out DIR/],
  ['check --help', ['check', '-h'], EXIT_CODES.ok, /every problem/],
  ['demo --help', ['demo', '--help'], EXIT_CODES.ok, /--port N/],
  ['an unknown option', ['generate', '--outdir', 'x'], EXIT_CODES.usage, /Unknown option '--outdir'/],
  ['an option without its value', ['check', '--config'], EXIT_CODES.usage, /argument missing/],
  ['a missing config file', ['check', '--config', 'nope.json'], EXIT_CODES.usage, /does not exist/],
  ['a non-numeric demo port', ['demo', '--port', 'eighty'], EXIT_CODES.usage, /--port must be a number/],
]
for (const [what, args, code, output] of usage) {
  test(`lookout with ${what} exits ${code}`, async () => {
    const r = await cli(args)
    assert.equal(r.code, code, r.stderr)
    assert.match(r.stdout + r.stderr, output)
  })
}

test('check prints every problem with its path and exits 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-cli-'))
  writeFileSync(
    join(dir, 'lookout.config.yaml'),
    'lookout:\n  metrics: { conventions: statsd }\n  slo:\n    objectives: [{ name: availability, kind: availability, objective: 0.999 }]\ngenerate:\n  app: { targets: [app] }\n',
  )
  const r = await cli(['check'], dir)
  assert.equal(r.code, EXIT_CODES.problems)
  assert.match(r.stderr, /2 problems/)
  assert.match(r.stderr, /lookout\.metrics\.conventions: expected one of "prometheus", "otel"/)
  assert.match(r.stderr, /generate\.app\.targets\.0: host:port/)
  assert.doesNotMatch(r.stderr, /objectives/) // SLOs are checked once the Lookout options are valid
})

test('check reports SLO problems by path once the options are valid', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-cli-'))
  writeFileSync(
    join(dir, 'lookout.config.json'),
    JSON.stringify({ lookout: { slo: { objectives: [{ name: 'p95', kind: 'latency', objective: 95 }] } } }),
  )
  const r = await cli(['check'], dir)
  assert.equal(r.code, EXIT_CODES.problems)
  assert.match(r.stderr, /lookout\.slo\.objectives\[p95\]\.threshold: required for latency SLOs/)
})

test('generate writes the files, --check finds them up to date, and an edited file is drift (exit 1)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-cli-'))
  writeFileSync(join(dir, 'lookout.config.mjs'), "export default { lookout: { service: 'shop' } }\n")
  const gen = await cli(['generate', '--out', 'out'], dir)
  assert.equal(gen.code, EXIT_CODES.ok, gen.stderr)
  assert.ok(existsSync(join(dir, 'out/grafana/dashboards/shop-api-overview.json')))
  assert.ok(existsSync(join(dir, 'out/prometheus/rules/shop-slo.yaml')))
  assert.equal((await cli(['generate', '--out', 'out', '--check'], dir)).code, EXIT_CODES.ok)
  const file = join(dir, 'out/prometheus/prometheus.yml')
  writeFileSync(file, `${readFileSync(file, 'utf8')}# hand edit\n`)
  const drift = await cli(['generate', '-o', 'out', '--check'], dir)
  assert.equal(drift.code, EXIT_CODES.problems)
  assert.match(drift.stderr, /out\/prometheus\/prometheus\.yml/)
})

test('a TypeScript config is loaded (through tsx) and its default export used', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-cli-'))
  writeFileSync(
    join(dir, 'lookout.config.ts'),
    "const service: string = 'typed'\nexport default { lookout: { service } }\n",
  )
  const r = await cli(['check'], dir)
  assert.equal(r.code, EXIT_CODES.ok, r.stderr)
  assert.match(r.stdout, /service typed/)
})

test('the bin entry runs as a process: --help exits 0 and a bad command exits 2', () => {
  const main = join(process.cwd(), 'src/cli/main.ts')
  const args = ['--conditions=lookout-source', '--import', 'tsx', main]
  assert.match(
    execFileSync(process.execPath, [...args, 'generate', '--help'], { encoding: 'utf8' }),
    /lookout generate/,
  )
  assert.equal(readFileSync(main, 'utf8').split('\n')[0], '#!/usr/bin/env node')
  try {
    execFileSync(process.execPath, [...args, 'nope'], { encoding: 'utf8', stdio: 'pipe' })
    assert.fail('should exit 2')
  } catch (err) {
    assert.equal((err as { status: number }).status, 2)
  }
})

test('lookout --version prints the package version', async () => {
  const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  for (const flag of ['--version', '-v']) {
    const r = await cli([flag])
    assert.equal(r.code, EXIT_CODES.ok)
    assert.equal(r.stdout, `${version}\n`)
  }
})

test('lookout init writes a starter lookout.config.ts that check accepts, and refuses to overwrite it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-init-'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@acme/Orders API', type: 'module' }))
  const first = await cli(['init'], dir)
  assert.equal(first.code, EXIT_CODES.ok, first.stderr)
  const written = readFileSync(join(dir, 'lookout.config.ts'), 'utf8')
  assert.match(written, /service: "orders-api"/)
  const checked = await cli(['check'], dir)
  assert.equal(checked.code, EXIT_CODES.ok, checked.stderr)
  const again = await cli(['init'], dir)
  assert.equal(again.code, EXIT_CODES.problems)
  assert.match(again.stderr, /already exists/)
  assert.equal(readFileSync(join(dir, 'lookout.config.ts'), 'utf8'), written)
})

test('lookout demo is not offered by an installation without the example', async () => {
  const root = mkdtempSync(join(tmpdir(), 'lookout-pkg-'))
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'lookout', version: '9.9.9' }))
  let stdout = ''
  let stderr = ''
  const io = {
    cwd: root,
    packageRoot: root,
    stdout: (s: string) => (stdout += s),
    stderr: (s: string) => (stderr += s),
  }
  assert.equal(await runCli(['--help'], io), EXIT_CODES.ok)
  assert.doesNotMatch(stdout, /demo/)
  assert.equal(await runCli(['demo'], io), EXIT_CODES.usage)
  assert.match(stderr, /unknown command "demo"/)
})

test('lookout generate into a closed pipe exits 0 without a stack trace', async () => {
  const out = mkdtempSync(join(tmpdir(), 'lookout-epipe-'))
  const child = spawn(
    process.execPath,
    [
      '--conditions=lookout-source',
      '--import',
      'tsx',
      fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url)),
      'generate',
      '--config',
      fileURLToPath(new URL('../../../examples/identity-service/lookout.config.ts', import.meta.url)),
      '--out',
      out,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  )
  // The reader goes away before the first line, as `| head -0` would.
  child.stdout.destroy()
  let stderr = ''
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
  const [code] = (await once(child, 'exit')) as [number | null]
  assert.equal(code, 0, stderr)
  assert.doesNotMatch(stderr, /EPIPE|Error/)
})
