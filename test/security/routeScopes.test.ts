import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createLookout, LookoutError } from 'lookout'
import type { OpsRoute } from 'lookout/adapter'
import pino from 'pino'

const handler: OpsRoute['handler'] = () => ({ status: 204 })

// A route without a scope does not type-check (`npm run typecheck` fails if this line compiles).
// @ts-expect-error scope is required
const unscoped: OpsRoute = { method: 'GET', path: '/observability/unscoped', handler }

function lookout() {
  return createLookout({ service: 'scopes' }, { env: {}, logger: pino({ level: 'silent' }) })
}

const refused: readonly [string, unknown, RegExp][] = [
  ['without a scope (from JavaScript)', unscoped, /scope must be public, global or tenant/],
  ['with an unknown scope kind', { ...unscoped, scope: { kind: 'operator' } }, /scope must be public/],
  [
    'scoped to a tenant parameter the path lacks',
    { ...unscoped, path: '/observability/things/:id', scope: { kind: 'tenant', param: 'tenant' } },
    /tenant parameter "tenant" is not a path parameter/,
  ],
  [
    'scoped to tenants it cannot read',
    { ...unscoped, scope: { kind: 'tenant', source: 'body' } },
    /names a path parameter or reads its tenants/,
  ],
]
for (const [name, route, says] of refused) {
  test(`a route ${name} is refused when it is added`, async (t) => {
    const instance = lookout()
    t.after(() => instance.shutdown())
    assert.throws(
      () => instance.addRoute(route as OpsRoute),
      (error: unknown) =>
        error instanceof LookoutError && error.code === 'LOOKOUT_ERR_ROUTE' && says.test(error.message),
    )
  })
}
