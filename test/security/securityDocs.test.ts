import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fullyEnabledRoutes, renderSecurityDoc } from '../../scripts/gen-security-docs.ts'

test('docs/security.md lists exactly the routes a fully-enabled instance mounts, with their scopes (regenerate to fix)', async () => {
  const current = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8')
  assert.equal(
    renderSecurityDoc(current, await fullyEnabledRoutes()),
    current,
    'run: node --conditions=lookout-source --import tsx scripts/gen-security-docs.ts',
  )
})
