import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ParseArgsConfig, parseArgs } from 'node:util'
import { dashboardsMarkdown, replaceGenerated } from '../generate/dashboardsMarkdown.ts'
import { generateAll } from '../generate/generateAll.ts'
import { buildGenerateModel, type GenerateModel } from '../generate/generateModel.ts'
import { CONFIG_FILE_NAMES, loadProjectConfig } from './loadProjectConfig.ts'

/** Exit codes scripts can rely on. */
export const EXIT_CODES = Object.freeze({
  /** Success. */
  ok: 0,
  /** The config is invalid (every problem printed), or `generate --check` found drift. */
  problems: 1,
  /** Wrong command line: unknown command or option, missing value, config file not found. */
  usage: 2,
})

/** Where the CLI writes and what it may spawn (injected so tests run it in-process). */
export interface CliIo {
  readonly cwd: string
  stdout(text: string): void
  stderr(text: string): void
  /** Environment for `demo`. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv
  /** The package's root directory (package.json, and examples/ in a clone). Default: found from this module. */
  readonly packageRoot?: string
}

/** The usage text; `demo` is listed only where the example ships (a clone of the repository). */
function usage(withDemo: boolean): string {
  return `Usage: lookout <command> [options]

Commands:
  init       Write a starter lookout.config.ts in the current directory (never overwrites)
  generate   Write Grafana dashboards + provisioning, Prometheus config and rules, Alertmanager config and
             Kubernetes manifests for the service described by lookout.config.(ts|js|json|yaml)
  check      Validate the config and its SLOs; print every problem with its path
${withDemo ? '  demo       Start the demo identity service (examples/identity-service)\n' : ''}
Run \`lookout <command> --help\` for the command's options; \`lookout --version\` prints the version.

Exit codes: 0 ok · 1 invalid config, problems or drift · 2 usage error`
}

const HELP: Record<string, string> = {
  init: `Usage: lookout init

Writes lookout.config.ts in the current directory: the service name (from package.json), the Lookout options
and the settings \`lookout generate\` needs, to edit from there. Refuses when a lookout.config.* file exists.

Options:
  -h, --help          Show this help`,
  generate: `Usage: lookout generate [--config FILE] [--out DIR] [--docs FILE] [--check]

Reads the project config and writes every generated file under --out.

Options:
  -c, --config FILE   Project config (default: the first of ${CONFIG_FILE_NAMES.join(', ')})
  -o, --out DIR       Output directory (default: deploy/generated)
      --docs FILE     Also refresh the generated panel table inside FILE (between the lookout:generated markers)
      --check         Write nothing; exit 1 when a file under --out (or --docs) differs from what would be written
  -h, --help          Show this help

.ts configs are loaded with tsx when it is installed (else run \`node --import tsx\`). The environment is never
read: the same config always generates the same files.`,
  check: `Usage: lookout check [--config FILE]

Validates the Lookout options (the same schema createLookout uses), the generate settings and the SLOs (the
same model the service builds), printing every problem as "path: message". Exit 1 when there are problems.

Options:
  -c, --config FILE   Project config (default: the first of ${CONFIG_FILE_NAMES.join(', ')})
  -h, --help          Show this help`,
  demo: `Usage: lookout demo [--port N] [--host HOST]

Starts the demo identity service (Fastify + Lookout on SQLite, no external services) from this package's
examples/identity-service. Stop it with Ctrl-C.

Options:
  -p, --port N        Port (default 8000; 0 picks a free one)
      --host HOST     Listen address (default 127.0.0.1)
  -h, --help          Show this help`,
}

/**
 * Runs the `lookout` command line and resolves with the exit code (never calls `process.exit`).
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { cwd: process.cwd(), stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) })
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  const root = io.packageRoot ?? PACKAGE_ROOT
  const withDemo = existsSync(join(root, 'examples', 'identity-service', 'main.ts'))
  const USAGE = usage(withDemo)
  if (command === undefined) {
    io.stderr(`${USAGE}\n`)
    return EXIT_CODES.usage
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(`${USAGE}\n`)
    return EXIT_CODES.ok
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
    io.stdout(`${version}\n`)
    return EXIT_CODES.ok
  }
  if (!Object.hasOwn(HELP, command) || (command === 'demo' && !withDemo)) {
    io.stderr(`lookout: unknown command "${command}"\n\n${USAGE}\n`)
    return EXIT_CODES.usage
  }
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(command, rest)
  } catch (err) {
    io.stderr(`lookout ${command}: ${(err as Error).message}\n\n${HELP[command]}\n`)
    return EXIT_CODES.usage
  }
  if (parsed.help === true) {
    io.stdout(`${HELP[command]}\n`)
    return EXIT_CODES.ok
  }
  if (command === 'demo') return demo(parsed, io, root)
  if (command === 'init') return init(io)
  const loaded = await loadProjectConfig(io.cwd, parsed.config as string | undefined)
  if (!loaded.ok) {
    io.stderr(`lookout ${command}: ${loaded.message}\n`)
    return loaded.kind === 'missing' ? EXIT_CODES.usage : EXIT_CODES.problems
  }
  const result = buildGenerateModel(loaded.value, { baseDir: dirname(loaded.path) })
  const shown = relative(io.cwd, loaded.path) || loaded.path
  if (!result.ok) {
    io.stderr(`${shown}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}\n`)
    for (const p of result.problems) io.stderr(`  ${p.path}: ${p.message}\n`)
    return EXIT_CODES.problems
  }
  for (const w of result.model.warnings) io.stderr(`warning: ${w}\n`)
  if (command === 'check') {
    const m = result.model
    const sloCount = m.slos.defaults.length
    io.stdout(
      `${shown}: ok — service ${m.config.service}, ${m.config.metrics.conventions} conventions, ` +
        `${sloCount} SLO${sloCount === 1 ? '' : 's'}, ${Object.keys(m.slos.tenants).length} tenant override(s)\n`,
    )
    return EXIT_CODES.ok
  }
  return generate(result.model, parsed, io)
}

function parse(command: string, args: readonly string[]) {
  const common = { help: { type: 'boolean', short: 'h' } } as const
  const options: NonNullable<ParseArgsConfig['options']> =
    command === 'generate'
      ? {
          ...common,
          config: { type: 'string', short: 'c' },
          out: { type: 'string', short: 'o' },
          docs: { type: 'string' },
          check: { type: 'boolean' },
        }
      : command === 'check'
        ? { ...common, config: { type: 'string', short: 'c' } }
        : command === 'init'
          ? common
          : { ...common, port: { type: 'string', short: 'p' }, host: { type: 'string' } }
  const { values } = parseArgs({ args: [...args], options, strict: true, allowPositionals: false })
  return values as Record<string, string | boolean | undefined>
}

function generate(
  model: GenerateModel,
  opts: Record<string, string | boolean | undefined>,
  io: CliIo,
): number {
  const out = resolve(io.cwd, (opts.out as string | undefined) ?? 'deploy/generated')
  const files = generateAll(model)
  const check = opts.check === true
  const drift: string[] = []
  for (const f of files) {
    const target = join(out, f.path)
    if (check) {
      const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined
      if (current !== f.content) drift.push(relative(io.cwd, target))
      continue
    }
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, f.content)
  }
  if (typeof opts.docs === 'string') {
    const docs = resolve(io.cwd, opts.docs)
    let text: string
    try {
      text = readFileSync(docs, 'utf8')
    } catch {
      io.stderr(`lookout generate: cannot read ${opts.docs}\n`)
      return EXIT_CODES.usage
    }
    let next: string
    try {
      next = replaceGenerated(text, dashboardsMarkdown(model))
    } catch (err) {
      io.stderr(`lookout generate: ${opts.docs}: ${(err as Error).message}\n`)
      return EXIT_CODES.problems
    }
    if (check) {
      if (next !== text) drift.push(relative(io.cwd, docs))
    } else if (next !== text) writeFileSync(docs, next)
  }
  if (check) {
    if (drift.length === 0) {
      io.stdout(`up to date: ${files.length} files in ${relative(io.cwd, out) || out}\n`)
      return EXIT_CODES.ok
    }
    io.stderr(`out of date (run lookout generate):\n${drift.map((d) => `  ${d}\n`).join('')}`)
    return EXIT_CODES.problems
  }
  io.stdout(`wrote ${files.length} files to ${relative(io.cwd, out) || out}\n`)
  for (const f of files) io.stdout(`  ${f.path}\n`)
  return EXIT_CODES.ok
}

/** The package root (package.json is two levels above src/cli/ and dist/cli/). */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** `lookout init`: a starter config for the project in `io.cwd`; never overwrites an existing one. */
function init(io: CliIo): number {
  const existing = CONFIG_FILE_NAMES.find((n) => existsSync(join(io.cwd, n)))
  if (existing !== undefined) {
    io.stderr(`lookout init: ${existing} already exists; nothing written\n`)
    return EXIT_CODES.problems
  }
  writeFileSync(join(io.cwd, 'lookout.config.ts'), starterConfig(serviceNameOf(io.cwd)), { flag: 'wx' })
  io.stdout('wrote lookout.config.ts (check it with `lookout check`, then run `lookout generate`)\n')
  return EXIT_CODES.ok
}

/** The service name: package.json's name without its scope, else the directory's name; as Lookout accepts it. */
function serviceNameOf(cwd: string): string {
  let name = basename(cwd)
  try {
    const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as { name?: unknown }
    if (typeof pkg.name === 'string' && pkg.name !== '') name = pkg.name.replace(/^@[^/]+\//, '')
  } catch {
    // no package.json: the directory's name
  }
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
  return cleaned === '' ? 'my-service' : cleaned
}

function starterConfig(service: string): string {
  return `/**
 * Lookout's project config: the options the service passes to Lookout, and what \`lookout generate\` needs to
 * write dashboards, Prometheus rules, Alertmanager config and Kubernetes manifests. See docs/configuration.md and
 * docs/cli.md in the lookout package.
 */
import type { LookoutProjectConfig } from 'lookout/generate'

const config = {
  lookout: {
    service: ${JSON.stringify(service)},
    // On by default: metrics, the request log, probes, request context and SLO measurement in memory.
    // Off until configured: tracing export (tracing.endpoint), alerting, the status page, the store, profiling.
  },
  generate: {
    // Where Prometheus scrapes the service (host:port).
    app: { targets: ['localhost:3000'] },
  },
} satisfies LookoutProjectConfig

export default config
`
}

function demo(opts: Record<string, string | boolean | undefined>, io: CliIo, root: string): Promise<number> {
  const port = opts.port as string | undefined
  if (port !== undefined && !/^[0-9]{1,5}$/.test(port)) {
    io.stderr('lookout demo: --port must be a number 0–65535\n')
    return Promise.resolve(EXIT_CODES.usage)
  }
  const env = { ...(io.env ?? process.env) }
  if (port !== undefined) env.PORT = port
  if (typeof opts.host === 'string') env.HOST = opts.host
  const child = spawn(
    process.execPath,
    ['--conditions=lookout-source', '--import', 'tsx', join(root, 'examples', 'identity-service', 'main.ts')],
    { cwd: root, env, stdio: ['inherit', 'pipe', 'pipe'] },
  )
  child.stdout.on('data', (b: Buffer) => io.stdout(b.toString()))
  child.stderr.on('data', (b: Buffer) => io.stderr(b.toString()))
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal)
  const onInt = forward('SIGINT')
  const onTerm = forward('SIGTERM')
  process.on('SIGINT', onInt)
  process.on('SIGTERM', onTerm)
  return new Promise((resolvePromise) => {
    child.once('exit', (code, signal) => {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      resolvePromise(signal !== null ? EXIT_CODES.ok : (code ?? EXIT_CODES.problems))
    })
  })
}
