import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { npm, REPO_ROOT } from '../../support/packedLookout.ts'

const run = promisify(execFile)

/** The oldest and the newest Fastify 5 release Lookout supports (peer range `^5.0.0`). */
const VERSIONS = ['5.0.0', '5.12.8']

/** A directory with `fastify@version` installed from the registry (cached across runs by version). */
async function fastifyDir(version: string): Promise<string> {
  const dir = join(tmpdir(), 'lookout-fastify-versions', version)
  if (!existsSync(join(dir, 'node_modules/fastify/package.json'))) {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fastify-version', private: true }))
    await npm(dir, ['install', '--prefer-offline', '--ignore-scripts', `fastify@${version}`])
  }
  return dir
}

for (const version of VERSIONS) {
  test(`the plugin measures requests and sets request ids on Fastify ${version}, with and without fastifyOptions()`, async () => {
    const dir = await fastifyDir(version)
    const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
    const { stdout } = await run(
      process.execPath,
      [
        '--conditions=lookout-source',
        '--import',
        'tsx',
        '--import',
        join(fixtures, 'fastifyFrom.mjs'),
        join(fixtures, 'versionApp.mjs'),
      ],
      { cwd: REPO_ROOT, env: { ...process.env, NODE_OPTIONS: '', LOOKOUT_FASTIFY_DIR: dir } },
    )
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!)
    assert.equal(out.version, version)
    for (const path of ['fastifyOptions', 'plain'] as const) {
      const r = out.results[path]
      assert.deepEqual(
        { status: r.status, requestId: r.requestId, missingStatus: r.missingStatus, missingId: r.missingId },
        { status: 200, requestId: 'req-given-1', missingStatus: 404, missingId: true },
        path,
      )
      assert.ok(
        r.metrics.includes('http_requests_total{method="GET",route="/users/:id",status="200"} 1'),
        `${path}: ${r.metrics.join(' | ')}`,
      )
    }
    // Fastify 5.0 has no log controller: requests start in the onRequest hook, which the plugin says once per app.
    assert.deepEqual(
      out.startPathEvents,
      version === '5.0.0' ? ['fastify_start_in_hook', 'fastify_start_in_hook'] : [],
    )
    assert.equal(out.fastifyRequestLines, 0, 'Fastify’s own request lines are off with fastifyOptions()')
    assert.deepEqual(out.deprecations, [], 'no Fastify deprecation warning')
  })
}
