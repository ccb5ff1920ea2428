import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { createRedactor } from '../../../src/redact/index.ts'

interface Positive {
  readonly text: string
  readonly leaks: readonly string[]
  readonly marker: string
}

const dir = new URL('../../fixtures/redaction/', import.meta.url)
const positives = JSON.parse(readFileSync(new URL('positives.json', dir), 'utf8')) as Positive[]
const negatives = JSON.parse(readFileSync(new URL('negatives.json', dir), 'utf8')) as string[]
const redactor = createRedactor()

test('the corpus holds at least 200 positive and 100 negative samples', () => {
  assert.ok(positives.length >= 200, `${positives.length} positives`)
  assert.ok(negatives.length >= 100, `${negatives.length} negatives`)
})

test('no positive sample leaks its secret and each carries its marker', () => {
  const leaks: string[] = []
  for (const sample of positives) {
    const out = redactor.redactString(sample.text)
    for (const leak of sample.leaks) if (out.includes(leak)) leaks.push(`${sample.text} → ${out}`)
    if (!out.includes(sample.marker)) leaks.push(`no ${sample.marker}: ${sample.text} → ${out}`)
  }
  assert.deepEqual(leaks, [])
})

test('no negative sample is changed (zero false positives)', () => {
  const changed = negatives
    .map((text) => [text, redactor.redactString(text)] as const)
    .filter(([a, b]) => a !== b)
    .map(([a, b]) => `${a} → ${b}`)
  assert.deepEqual(changed, [])
})

test('positive samples nested as object values do not leak either', () => {
  const out = JSON.stringify(redactor.redact({ log: { lines: positives.map((p) => ({ msg: p.text })) } }))
  for (const sample of positives) for (const leak of sample.leaks) assert.ok(!out.includes(leak), leak)
})
