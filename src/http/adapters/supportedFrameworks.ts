import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { frameworkVersionError } from '../../errors.ts'

/** The Fastify versions the adapter is tested with (a peer dependency range in package.json). */
export const SUPPORTED_FASTIFY = '5.x (5.0.0 and later)'

/**
 * Throws `LOOKOUT_ERR_FRAMEWORK_VERSION` unless `version` is a Fastify 5 release: the adapter relies on Fastify 5's
 * hooks and route options, and an application on another major would otherwise fail later with Fastify's own
 * plugin-mismatch error or a second copy of Fastify.
 *
 * @example
 * assertSupportedFastify(app.version) // in the plugin, before anything is registered
 */
export function assertSupportedFastify(version: string | undefined): void {
  const major = Number.parseInt(String(version ?? '').split('.')[0] ?? '', 10)
  if (major !== 5) throw frameworkVersionError('Fastify', version ?? 'unknown', SUPPORTED_FASTIFY)
}

/** The Express versions the adapter is tested with (a peer dependency range in package.json). */
export const SUPPORTED_EXPRESS = '4.x or 5.x'

/**
 * Throws `LOOKOUT_ERR_FRAMEWORK_VERSION` when `version` is known and not an Express 4 or 5 release: the adapter reads
 * the route table and the error path of those two majors. An unknown version (Express not resolvable from the
 * application) is let through: the app may bundle it.
 *
 * @example
 * assertSupportedExpress(expressVersionFrom([process.argv[1] ?? '', process.cwd()]))
 */
export function assertSupportedExpress(version: string | undefined): void {
  if (version === undefined) return
  const major = Number.parseInt(version.split('.')[0] ?? '', 10)
  if (major !== 4 && major !== 5) throw frameworkVersionError('Express', version, SUPPORTED_EXPRESS)
}

/**
 * The version of the `express` package the application resolves, looked up from each of `from` (file or directory
 * paths, first hit wins); `undefined` when none resolves it.
 *
 * @example
 * expressVersionFrom([process.argv[1] ?? '', process.cwd()]) // '5.3.0'
 */
export function expressVersionFrom(from: readonly string[]): string | undefined {
  for (const start of from) {
    if (start === '') continue
    try {
      // A directory gets a file name inside it: createRequire resolves relative to the file's folder.
      const manifest = createRequire(join(start, 'noop.js')).resolve('express/package.json')
      const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown }).version
      if (typeof version === 'string') return version
    } catch {
      // Not resolvable from here: try the next place.
    }
  }
  return undefined
}
