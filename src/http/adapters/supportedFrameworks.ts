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
