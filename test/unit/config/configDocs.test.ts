import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { renderConfigDoc } from '../../../scripts/gen-config-docs.ts'

test('docs/configuration.md lists exactly the environment variables the schema reads (regenerate to fix)', () => {
  const current = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8')
  assert.equal(
    current,
    renderConfigDoc(current),
    'run: node --conditions=lookout-source --import tsx scripts/gen-config-docs.ts',
  )
})
