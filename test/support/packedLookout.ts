import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Where packed tarballs and installed app roots are cached, keyed by content (shared by test processes). */
const CACHE_ROOT = join(tmpdir(), 'lookout-adoption-cache')

/** What goes into the tarball besides the build: the files `npm pack` would read from the checkout. */
const PACKED_INPUTS = [
  'package.json',
  'README.md',
  'LICENSE',
  'docs',
  'tsconfig.json',
  'tsconfig.build.json',
  'src',
]

/** The npm executable next to the running Node (the one `.ci/run` installs for each Node version). */
function npmCli(): { command: string; prefix: string[] } {
  const beside = join(dirname(process.execPath), '../lib/node_modules/npm/bin/npm-cli.js')
  if (existsSync(beside)) return { command: process.execPath, prefix: [beside] }
  return { command: 'npm', prefix: [] }
}

/** Runs npm with the given arguments in `cwd` (no progress, no audit, no funding notes). */
export async function npm(cwd: string, args: readonly string[]): Promise<string> {
  const { command, prefix } = npmCli()
  const { stdout } = await run(command, [...prefix, ...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NODE_OPTIONS: '', npm_config_update_notifier: 'false' },
  })
  return stdout
}

function hashInputs(): string {
  const hash = createHash('sha256')
  const visit = (path: string) => {
    if (!existsSync(path)) return
    const st = statSync(path)
    if (st.isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry))
      return
    }
    hash.update(relative(REPO_ROOT, path))
    hash.update('\0')
    hash.update(readFileSync(path))
    hash.update('\0')
  }
  for (const input of PACKED_INPUTS) visit(join(REPO_ROOT, input))
  hash.update(process.version)
  return hash.digest('hex').slice(0, 16)
}

/**
 * Builds `value` into `dir` once across test processes: `make(tmp)` fills a private temp directory that is then
 * renamed into place; a process that loses the race uses the winner's result.
 */
async function once(dir: string, make: (tmp: string) => Promise<void>): Promise<void> {
  if (existsSync(join(dir, '.complete'))) return
  mkdirSync(dirname(dir), { recursive: true })
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  try {
    await make(tmp)
    writeFileSync(join(tmp, '.complete'), '')
    try {
      renameSync(tmp, dir)
    } catch {
      // Another process finished first: its copy is equivalent.
      if (!existsSync(join(dir, '.complete'))) throw new Error(`could not create ${dir}`)
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

/**
 * Packs Lookout as a user would receive it: the package is built (`tsc -p tsconfig.build.json`) into a staging copy
 * of the checkout and `npm pack`ed there. The tarball is cached by the content of its inputs and the Node version,
 * so every test process of one run shares one build.
 *
 * @returns the absolute path of `lookout-<version>.tgz`
 * @example
 * const tarball = await packLookout()
 */
export async function packLookout(): Promise<string> {
  const dir = join(CACHE_ROOT, `pack-${hashInputs()}`)
  await once(dir, async (tmp) => {
    const stage = join(tmp, 'stage')
    mkdirSync(stage)
    for (const input of PACKED_INPUTS) {
      const from = join(REPO_ROOT, input)
      if (existsSync(from)) cpSync(from, join(stage, input), { recursive: true })
    }
    // The checkout's node_modules supplies the compiler and the dependencies' types.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir')
    const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc')
    try {
      await run(process.execPath, [tsc, '-p', join(stage, 'tsconfig.build.json')], {
        cwd: stage,
        env: { ...process.env, NODE_OPTIONS: '' },
        maxBuffer: 64 * 1024 * 1024,
      })
    } catch (err) {
      throw new Error(`building the package failed:\n${(err as { stdout?: string }).stdout ?? err}`)
    }
    const out = await npm(stage, ['pack', '--json', '--pack-destination', tmp])
    const [info] = JSON.parse(out) as { filename: string }[]
    renameSync(join(tmp, info!.filename), join(tmp, 'lookout.tgz'))
    rmSync(stage, { recursive: true, force: true })
  })
  return join(dir, 'lookout.tgz')
}

/** Options of {@link installLookoutApp}. */
export interface InstallOptions {
  /** Dependencies besides Lookout, as `package.json` would list them (`{ fastify: '5.0.0' }`). */
  readonly dependencies: Readonly<Record<string, string>>
}

/**
 * A directory whose `node_modules` holds the packed Lookout and the given dependencies, installed with
 * `npm install --offline` from the local npm cache (metadata missing from the cache is fetched once with
 * `--prefer-offline`). Install roots are cached by tarball and dependency set; put each app in its own
 * subdirectory (`mkdtemp(join(root, 'app-'))`) — Node resolves packages from the parent's `node_modules`.
 *
 * @returns the install root
 * @example
 * const root = await installLookoutApp({ dependencies: { fastify: '5.12.8' } })
 */
export async function installLookoutApp(options: InstallOptions): Promise<string> {
  const tarball = await packLookout()
  const key = createHash('sha256')
    .update(tarball)
    .update(readFileSync(tarball))
    .update(JSON.stringify(options.dependencies))
    .digest('hex')
    .slice(0, 16)
  const dir = join(CACHE_ROOT, `app-${key}`)
  await once(dir, async (tmp) => {
    writeFileSync(
      join(tmp, 'package.json'),
      JSON.stringify(
        {
          name: 'lookout-adoption-app',
          version: '1.0.0',
          private: true,
          dependencies: { lookout: `file:${tarball}`, ...options.dependencies },
        },
        null,
        2,
      ),
    )
    // Install scripts stay off: what runs at install time on a user's machine is the package manager's business,
    // and Lookout's default features must not need a native build.
    try {
      await npm(tmp, ['install', '--offline', '--ignore-scripts'])
    } catch (err) {
      // A cache filled by `npm ci` holds tarballs but not every package's metadata: fetch only what is missing
      // (the next run is then fully offline).
      if (!String((err as Error).message).includes('ENOTCACHED')) throw err
      await npm(tmp, ['install', '--prefer-offline', '--ignore-scripts'])
    }
  })
  return dir
}
