import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify from 'fastify'
import { LookoutError } from '../../../src/errors.ts'
import { lookout } from '../../../src/http/adapters/fastify.ts'
import { assertSupportedFastify } from '../../../src/http/adapters/supportedFrameworks.ts'

const cases: [string, string | undefined, boolean][] = [
  ['the oldest Fastify 5 is supported', '5.0.0', true],
  ['a later Fastify 5 is supported', '5.12.8', true],
  ['Fastify 4 is refused', '4.28.1', false],
  ['a future Fastify 6 is refused', '6.0.0', false],
  ['an unknown version is refused', undefined, false],
]

for (const [name, version, ok] of cases) {
  test(name, () => {
    if (ok) assert.doesNotThrow(() => assertSupportedFastify(version))
    else
      assert.throws(
        () => assertSupportedFastify(version),
        (e: unknown) =>
          e instanceof LookoutError &&
          e.code === 'LOOKOUT_ERR_FRAMEWORK_VERSION' &&
          e.message.includes('Fastify 5'),
      )
  })
}

test('registering on a Fastify whose version the adapter does not support is LOOKOUT_ERR_FRAMEWORK_VERSION', async () => {
  const app = Fastify()
  // The installed Fastify is 5; an application on another major reports its own version the same way.
  Object.defineProperty(app, 'version', { value: '4.28.1' })
  app.register(lookout, { service: 'old', logging: { level: 'silent' } })
  await assert.rejects(
    async () => {
      await app.ready()
    },
    (e: unknown) => e instanceof LookoutError && e.code === 'LOOKOUT_ERR_FRAMEWORK_VERSION',
  )
})
