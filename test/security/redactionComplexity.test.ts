import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { compileValuePatterns } from '../../src/redact/compileValuePatterns.ts'
import type { ScanWork } from '../../src/redact/index.ts'
import { createKeyMatcher, createStringRedactor } from '../../src/redact/index.ts'
import { redactValuePattern } from '../../src/redact/redactValuePattern.ts'
import { createRegexStringRedactor } from './support/regexStringRedactor.ts'

const isSensitiveKey = createKeyMatcher()

// Pieces the patterns react to; random concatenations reach every branch of the scanners.
const PIECES = [
  ...[
    'a',
    'x',
    'ab',
    'https',
    'token',
    'password',
    'Cookie',
    'Authorization',
    'pass',
    'eyJ',
    'AKIA',
    'abcdefgh',
  ],
  ...[
    '=',
    ':',
    '"',
    "'",
    ' ',
    '\n',
    '\t',
    '\u00a0',
    '&',
    ';',
    '@',
    '%40',
    '://',
    '.',
    '-',
    '_',
    '[',
    ']',
    '/',
  ],
  ...['?', '#', '<', '+', '1', '415', 'bearer ', 'Basic ', 'a.b', 'com', '.io', 'x@y.co', 'jane.doe'],
]
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((parts) => parts.join(''))

function fill(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size)
}

/** The shapes that once made one request cost ~20x a normal one, and their neighbours. */
const SHAPES: readonly (readonly [string, string])[] = [
  ['a=a=…', 'a='],
  ['a://x:x:…', 'a://x:x:x:x:x:x:x:x:'],
  ['ab://x:x:…', 'ab://x:'],
  ['colon runs', ':::::::'],
  ['x:x:…', 'x:'],
  ['name runs before colons', `${'n'.repeat(64)}:`],
  ['spaces before a separator', `a${' '.repeat(50)}=`],
  ['quoted keys', 'k"  :  '],
  ['sensitive keys with unclosed quotes', "password=\"a'token='"],
  ['scheme words after sensitive keys', 'token=bearer '],
  ['emails', 'a@b.'],
  ['encoded emails', 'a%40b.'],
  ['long local parts', 'a.b.c.d.e.f.g.h.%40'],
  ['userinfo', 'ab://x@'],
  ['letters before ://', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa://@'],
]

function stepsPerChar(redact: (s: string) => string, work: ScanWork, input: string): number {
  work.steps = 0
  redact(input)
  return work.steps / input.length
}

test('the one-pass scanners give the same output as the regular-expression reference on random text', () => {
  for (const emailMode of ['redact', 'mask'] as const) {
    const scanned = createStringRedactor({ isSensitiveKey, emailMode })
    const reference = createRegexStringRedactor({ isSensitiveKey, emailMode })
    fc.assert(
      fc.property(text, (s) => scanned(s) === reference(s)),
      { numRuns: 4000, seed: 22 },
    )
  }
})

test('every adversarial shape gives the reference output and costs a bounded number of steps per character', () => {
  const work: ScanWork = { steps: 0 }
  const scanned = createStringRedactor({ isSensitiveKey, work })
  const reference = createRegexStringRedactor({ isSensitiveKey })
  for (const [name, unit] of SHAPES) {
    const input = fill(unit, 4096)
    assert.equal(scanned(input), reference(input), name)
    const perChar = stepsPerChar(scanned, work, input)
    assert.ok(perChar > 0, `${name}: the scanners counted no work`)
    assert.ok(perChar <= 12, `${name}: ${perChar.toFixed(2)} steps per character`)
  }
})

test('the work grows linearly with the input on random repeated shapes', () => {
  const work: ScanWork = { steps: 0 }
  const scanned = createStringRedactor({ isSensitiveKey, work, maxStringLength: 1 << 20 })
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((p) => p.join('')),
      (unit) => {
        const small = stepsPerChar(scanned, work, fill(unit, 2048))
        const large = stepsPerChar(scanned, work, fill(unit, 32_768))
        // Linear: the per-character work of a 16x longer input is no larger (plus one step of slack).
        const counted = !/[@:=%]/.test(unit) || small > 0
        return counted && large <= small + 1 && large <= 12
      },
    ),
    { numRuns: 300, seed: 7 },
  )
})

test('a 15 KB adversarial path visits each character a bounded number of times', () => {
  const work: ScanWork = { steps: 0 }
  const scanned = createStringRedactor({ isSensitiveKey, work })
  for (const unit of ['a=', 'x:', 'ab://x:']) {
    const input = `/${fill(unit, 15_360)}`
    work.steps = 0
    scanned(input)
    assert.ok(work.steps > 0 && work.steps <= 8 * input.length, `${unit}: ${work.steps} steps`)
  }
})

test('custom value patterns read each character at most twice each, whatever the shape', () => {
  const custom = compileValuePatterns([
    { name: 'customer_id', pattern: 'CUST-\\d{6}' },
    { name: 'employee', pattern: '[A-Z]{2,3}\\d{5,8}' },
    { name: 'widest', pattern: '[a-z0-9_./:-]{4,64}Z{1,64}' },
  ])
  assert.deepEqual(custom.problems, [])
  const work: ScanWork = { steps: 0 }
  const withCustom = createStringRedactor({ isSensitiveKey, work, patterns: custom.patterns })
  const units = [
    'CUST-',
    'CUST-12345 ',
    'CUST-123456 ',
    'AB1234567 ',
    '1',
    `${'a'.repeat(64)}${'Z'.repeat(63)}a `,
    `${'a'.repeat(64)}${'Z'.repeat(64)} `,
    ...SHAPES.map(([, unit]) => unit),
  ]
  fc.assert(
    fc.property(
      fc.oneof(
        fc.constantFrom(...units),
        fc
          .array(fc.constantFrom(...PIECES, 'CUST-', '123456', 'AB', 'Z', 'ZZ'), {
            minLength: 1,
            maxLength: 8,
          })
          .map((p) => p.join('')),
      ),
      (unit) => {
        const input = fill(unit, 8192)
        for (const pattern of custom.patterns) {
          work.steps = 0
          redactValuePattern(input, pattern, work)
          if (work.steps > 2 * input.length) return false
        }
        // Markers may lengthen the text the built-in scanners read after the custom ones.
        const perChar = stepsPerChar(withCustom, work, input)
        return perChar > 0 && perChar <= 12 * 2 + 2 * custom.patterns.length
      },
    ),
    { numRuns: 300, seed: 27 },
  )
})
