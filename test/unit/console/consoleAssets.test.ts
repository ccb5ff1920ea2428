import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { renderConsoleAssets } from '../../../scripts/build-console.ts'

test('the committed console bundle is what scripts/build-console.ts builds from src/console/client', async () => {
  const committed = readFileSync(
    new URL('../../../src/console/consoleAssets.generated.ts', import.meta.url),
    'utf8',
  )
  assert.ok(committed === (await renderConsoleAssets()), 'out of date: run npm run build:console')
})
