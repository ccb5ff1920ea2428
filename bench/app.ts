/**
 * The app the benchmark servers run in: a directory outside the repository whose package.json lists the packed
 * `lookout` tarball and the peer libraries, installed from the registry with the Node version that will run it, as
 * a user's app is. The servers (bench/servers/*.mjs) are copied into it, so every import resolves from its
 * node_modules and nothing from the checkout. Installs are cached under the OS temp dir by the tarball's SHA-256
 * and the Node version.
 */
import { execFile, execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url))
const SERVERS = fileURLToPath(new URL('./servers/', import.meta.url))

const CACHE = join(tmpdir(), 'lookout-bench')
/** Installed apps kept (~120 MB each): enough for an A/B run on two Node versions. */
const KEEP_APPS = 4

/** Removes all but the most recently used installed apps. */
function pruneApps(): void {
  const apps = readdirSync(CACHE)
    .filter((name) => name.startsWith('app-') && !name.includes('.tmp-'))
    .map((name) => ({ dir: join(CACHE, name), used: statSync(join(CACHE, name)).mtimeMs }))
    .sort((a, b) => b.used - a.used)
  for (const { dir } of apps.slice(KEEP_APPS)) rmSync(dir, { recursive: true, force: true })
}

/** The peer libraries the servers import, at the versions the repository's lockfile resolves. */
const PEER_PACKAGES = [
  'fastify',
  'express',
  'pino',
  'fastify-metrics',
  'pino-http',
  'express-prom-bundle',
  '@fastify/otel',
  '@opentelemetry/api',
  '@opentelemetry/resources',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/sdk-trace-node',
  '@opentelemetry/instrumentation',
  '@opentelemetry/instrumentation-http',
  '@opentelemetry/instrumentation-express',
  '@opentelemetry/exporter-trace-otlp-proto',
] as const

/** A prepared app: where it is, which Node runs it, and what Lookout it holds. */
export interface BenchApp {
  readonly dir: string
  /** The node binary the servers run with. */
  readonly node: string
  readonly nodeVersion: string
  readonly tarballSha256: string
  readonly lookoutVersion: string
  /** The peer libraries' installed versions. */
  readonly packages: Readonly<Record<string, string>>
}

/** The version of each peer package in the repository's package-lock.json. */
export function lockedVersions(): Record<string, string> {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>
  }
  const versions: Record<string, string> = {}
  for (const name of PEER_PACKAGES) {
    const version = lock.packages[`node_modules/${name}`]?.version
    if (version === undefined) throw new Error(`${name} is not in package-lock.json`)
    versions[name] = version
  }
  return versions
}

/**
 * Builds and packs another checkout of Lookout (its own node_modules, e.g. a `git worktree` of an earlier commit
 * with the dependencies linked), for A/B runs; returns the tarball's path (in a directory of its own, removed when
 * the process exits).
 */
export async function packCheckout(root: string): Promise<string> {
  const env = { ...process.env, NODE_OPTIONS: '', npm_config_update_notifier: 'false' }
  await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    env,
    maxBuffer: 64 * 1024 * 1024,
  })
  const out = join(CACHE, `pack-${process.pid}`)
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', out, '--loglevel=error'], {
    cwd: root,
    env,
    maxBuffer: 64 * 1024 * 1024,
  })
  const [info] = JSON.parse(stdout) as { filename: string }[]
  process.once('exit', () => rmSync(out, { recursive: true, force: true }))
  return join(out, info!.filename)
}

/** `node --version` of a binary. */
export function nodeVersionOf(node: string): string {
  return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
}

/**
 * The app for one tarball and one Node binary: installed once (npm run by that Node, registry or npm cache) and
 * reused while both are the same; the server scripts are copied in on every call.
 *
 * @example
 * const app = await prepareApp('/tmp/lookout.tgz', process.execPath)
 * spawn(app.node, [join(app.dir, 'servers/fastify-bare.mjs')], { cwd: app.dir })
 */
export async function prepareApp(tarball: string, node: string): Promise<BenchApp> {
  const tarballSha256 = createHash('sha256').update(readFileSync(tarball)).digest('hex')
  const nodeVersion = nodeVersionOf(node)
  const dir = join(CACHE, `app-${tarballSha256.slice(0, 16)}-node-${nodeVersion}`)
  if (!existsSync(join(dir, '.complete'))) {
    const tmp = `${dir}.tmp-${process.pid}`
    rmSync(tmp, { recursive: true, force: true })
    mkdirSync(tmp, { recursive: true })
    copyFileSync(tarball, join(tmp, 'lookout.tgz'))
    writeFileSync(
      join(tmp, 'package.json'),
      `${JSON.stringify(
        {
          name: 'lookout-bench-app',
          private: true,
          type: 'module',
          dependencies: { lookout: 'file:./lookout.tgz', ...lockedVersions() },
        },
        null,
        2,
      )}\n`,
    )
    console.log(`installing the bench app for ${nodeVersion} in ${dir} …`)
    // npm under the chosen Node (its directory first on PATH); nothing in the app needs an install script.
    await run(
      'npm',
      ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
      {
        cwd: tmp,
        env: {
          ...process.env,
          PATH: `${dirname(node)}:${process.env.PATH}`,
          NODE_OPTIONS: '',
          npm_config_update_notifier: 'false',
        },
        maxBuffer: 64 * 1024 * 1024,
      },
    )
    writeFileSync(join(tmp, '.complete'), '')
    rmSync(dir, { recursive: true, force: true })
    renameSync(tmp, dir)
  }
  const now = new Date()
  utimesSync(dir, now, now)
  pruneApps()
  mkdirSync(join(dir, 'servers'), { recursive: true })
  for (const file of readdirSync(SERVERS)) {
    if (file.endsWith('.mjs')) copyFileSync(join(SERVERS, file), join(dir, 'servers', file))
  }
  const versionOf = (name: string) =>
    (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
      .version
  return {
    dir,
    node,
    nodeVersion,
    tarballSha256,
    lookoutVersion: versionOf('lookout'),
    packages: Object.fromEntries(PEER_PACKAGES.map((name) => [name, versionOf(name)])),
  }
}
