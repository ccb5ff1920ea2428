import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import { LookoutError } from '../../../src/errors.ts'
import { createLogger } from '../../../src/logging/createLogger.ts'
import { compileValuePattern } from '../../../src/redact/compileValuePattern.ts'
import { createRedactor, REDACTION_MARKERS } from '../../../src/redact/index.ts'
import { redactValuePattern } from '../../../src/redact/redactValuePattern.ts'
import { captureStream } from '../logging/captureStream.ts'

const PATTERNS = [
  { name: 'customer_id', pattern: 'CUST-\\d{6}' },
  { name: 'employee', pattern: '[A-Z]{2,3}\\d{5,8}' },
  { name: 'order', pattern: 'ord_[a-z0-9]{8}', ignoreCase: true },
]
const redactor = createRedactor({ patterns: PATTERNS })

const matches: readonly (readonly [string, string, string])[] = [
  ['a value alone', 'CUST-123456', '[REDACTED_CUSTOMER_ID]'],
  ['a value in a sentence', 'refund for CUST-123456 approved', 'refund for [REDACTED_CUSTOMER_ID] approved'],
  [
    'a value between punctuation',
    'ids=(CUST-000001,CUST-999999).',
    'ids=([REDACTED_CUSTOMER_ID],[REDACTED_CUSTOMER_ID]).',
  ],
  ['a value in a path', '/customers/CUST-123456/orders', '/customers/[REDACTED_CUSTOMER_ID]/orders'],
  ['a value after lowercase letters outside its alphabet', 'idCUST-123456', 'id[REDACTED_CUSTOMER_ID]'],
  ['each of several patterns', 'AB12345 bought ord_A1b2C3d4', '[REDACTED_EMPLOYEE] bought [REDACTED_ORDER]'],
  [
    'a variable count at either bound',
    'ABC12345678 and AB12345',
    '[REDACTED_EMPLOYEE] and [REDACTED_EMPLOYEE]',
  ],
  ['a value after a letter outside its alphabet', 'XCUST-123456', 'X[REDACTED_CUSTOMER_ID]'],
  [
    'not a longer token',
    'CUST-1234567 CUST-12345 CUST-123456-1 1CUST-123456',
    'CUST-1234567 CUST-12345 CUST-123456-1 1CUST-123456',
  ],
  [
    'not a token the pattern only partly covers',
    'ABCD12345 AB1234 AB123456789',
    'ABCD12345 AB1234 AB123456789',
  ],
  ['not a value of the wrong case', 'cust-123456', 'cust-123456'],
]

for (const [what, input, expected] of matches) {
  test(`a custom pattern redacts ${what}`, () => {
    assert.equal(redactor.redactString(input), expected)
  })
}

test('a line with nothing to redact is returned as the same string', () => {
  const line = 'GET /api/v1/orders/12345/items?page=2 status=200'
  assert.equal(redactor.redactString(line), line)
})

test('custom patterns apply in nested objects, arrays, error messages and URLs', () => {
  const err = new Error('no invoice for CUST-123456')
  const out = redactor.redact({
    order: { customer: 'CUST-123456', lines: [{ note: 'ship to CUST-654321' }], tags: new Set(['AB12345']) },
    err,
  }) as Record<string, Record<string, unknown>>
  assert.deepEqual(out.order, {
    customer: '[REDACTED_CUSTOMER_ID]',
    lines: [{ note: 'ship to [REDACTED_CUSTOMER_ID]' }],
    tags: ['[REDACTED_EMPLOYEE]'],
  })
  assert.equal(out.err?.message, 'no invoice for [REDACTED_CUSTOMER_ID]')
  assert.doesNotMatch(String(out.err?.stack), /CUST-123456/)
  assert.equal(
    redactor.redactUrl('/customers/CUST-123456?ref=CUST-654321&page=2'),
    '/customers/[REDACTED_CUSTOMER_ID]?ref=[REDACTED_CUSTOMER_ID]&page=2',
  )
})

const overlaps: readonly (readonly [string, string, string])[] = [
  ['beside an email', 'CUST-123456 jane@example.com', '[REDACTED_CUSTOMER_ID] [REDACTED_EMAIL]'],
  ['as the local part of an email', 'CUST-123456@example.com', '[REDACTED_CUSTOMER_ID]@example.com'],
  ['as the value of a sensitive key', 'password=CUST-123456', 'password=[REDACTED]'],
  ['beside a phone number', 'CUST-123456 +1 415 555 2671', '[REDACTED_CUSTOMER_ID] [REDACTED_PHONE]'],
  ['in a bearer credential', 'Authorization: Bearer CUST-123456', 'Authorization: [REDACTED]'],
]

for (const [what, input, expected] of overlaps) {
  test(`a custom pattern and the built-in ones together: ${what}`, () => {
    assert.equal(redactor.redactString(input), expected)
    assert.equal(redactor.redactString(expected), expected)
  })
}

test('a custom pattern that covers a built-in shape wins, with its own marker', () => {
  const r = createRedactor({ patterns: [{ name: 'member_ssn', pattern: 'M\\d{3}-\\d{2}-\\d{4}' }] })
  assert.equal(
    r.redactString('member M123-45-6789 and 123-45-6789'),
    'member [REDACTED_MEMBER_SSN] and [REDACTED_SSN]',
  )
})

test('a log line is written with the custom marker in its message and fields', () => {
  const out = captureStream()
  const config = resolveConfig({ service: 'billing', redact: { patterns: PATTERNS } }, {})
  const logger = createLogger(config, out)
  logger.info({ customer: 'CUST-123456', nested: { by: ['AB12345'] } }, 'refund for CUST-654321')
  assert.equal(out.lines.length, 1)
  assert.doesNotMatch(out.raw[0]!, /CUST-\d|AB12345/)
  assert.equal(out.lines[0]!.msg, 'refund for [REDACTED_CUSTOMER_ID]')
  assert.equal(out.lines[0]!.customer, '[REDACTED_CUSTOMER_ID]')
  assert.deepEqual(out.lines[0]!.nested, { by: ['[REDACTED_EMPLOYEE]'] })
})

test('patterns come from LOOKOUT_REDACT_PATTERNS as a JSON array', () => {
  const config = resolveConfig(
    { service: 'billing' },
    { LOOKOUT_REDACT_PATTERNS: '[{"name":"customer_id","pattern":"CUST-\\\\d{6}"}]' },
  )
  assert.deepEqual(config.redact.patterns, [
    { name: 'customer_id', pattern: 'CUST-\\d{6}', ignoreCase: false },
  ])
  assert.equal(createRedactor(config.redact).redactString('CUST-123456'), '[REDACTED_CUSTOMER_ID]')
})

/** [pattern, what the message says] — every one is refused at configuration. */
const refused: readonly (readonly [string, RegExp])[] = [
  ['(a+)+', /quantified group at index 0.*exponential/],
  ['(ab){1,4}cd', /quantified group at index 0/],
  ['(?:a|b)cde', /group at index 0: groups are not supported/],
  ['((ab)c)d{2}', /group at index 0/],
  ['ab\\1cd', /backreference "\\1" at index 2/],
  ['ab\\k<x>cd', /named backreference at index 2/],
  ['(?<=id:)\\d{6}', /lookbehind at index 0/],
  ['(?<!x)\\d{6}', /lookbehind at index 0/],
  ['\\d{6}(?=x)', /lookahead at index 5/],
  ['CUST|ACCT', /"\|" at index 4: alternation is not supported/],
  ['\\d+', /unbounded repetition "\+" at index 2/],
  ['a*bcde', /unbounded repetition "\*" at index 1/],
  ['\\d{4,}', /unbounded repetition "\{4,\}" at index 2/],
  ['\\d{2,100}', /count above 64 at index 2/],
  ['\\d{4}{2}', /nested quantifier "\{" at index 5/],
  ['\\d{4,6}?', /nested quantifier "\?" at index 7/],
  ['a.bcd', /"\." at index 1 matches any character/],
  ['^CUST-\\d{6}$', /"\^" at index 0: anchors are not supported/],
  ['[^ ]{8}', /negated class at index 0/],
  ['\\s\\d{6}', /"\\s" at index 0 is not supported/],
  ['\\bCUST\\d{4}', /word boundary "\\b" at index 0/],
  ['[a-z]{1,8}[a-z0-9]{4}', /variable count of the atom at index 0 can also match the atom at index 10/],
  ['\\d{2,6}x?\\d{2}', /variable count of the atom at index 0 can also match the atom at index 9/],
  ['\\d{3}', /fewer than 4 characters/],
  ['\\w{64}\\w{64}\\w', /longer than 128 characters/],
  ['\\[\\d{6}\\]', /"\[" and "\]" \(index 0\) are kept for redaction markers/],
  ['REDACTED_[A-Z]{2,10}', /matches inside the redaction marker \[REDACTED_EMAIL\]/],
  ['[z-a]{4}', /range out of order/],
  ['[abc', /unclosed class "\[" at index 0/],
  ['caf\u00e9\\d{3}', /index 3 is not printable ASCII/],
  ['ab\\ncd', /escape "\\n" at index 2 is not supported/],
  ['', /non-empty pattern/],
]

for (const [pattern, reason] of refused) {
  test(`the pattern ${JSON.stringify(pattern)} is refused with a coded error naming redact.patterns.1.pattern`, () => {
    const list = [PATTERNS[0]!, { name: 'internal_id', pattern }]
    for (const build of [
      () => createRedactor({ patterns: list }),
      () => resolveConfig({ service: 'billing', redact: { patterns: list } }, {}),
    ]) {
      assert.throws(build, (err: unknown) => {
        assert.ok(err instanceof LookoutError)
        assert.equal(err.code, 'LOOKOUT_ERR_CONFIG_INVALID')
        const problems = err.details?.problems as { path: string; message: string }[]
        assert.deepEqual(
          problems.map((p) => p.path),
          ['redact.patterns.1.pattern'],
        )
        assert.match(problems[0]!.message, reason)
        return true
      })
    }
  })
}

test('a refused pattern is named by its index and reason, never by its text', () => {
  const secretish = 's3cr3t-ledger-key'
  try {
    createRedactor({ patterns: [{ name: 'ledger', pattern: `${secretish}(a+)+` }] })
    assert.fail('accepted')
  } catch (err) {
    assert.ok(err instanceof LookoutError)
    assert.doesNotMatch(err.message, /s3cr3t/)
    assert.doesNotMatch(JSON.stringify(err.details), /s3cr3t/)
    assert.match(err.message, /redact\.patterns\.0\.pattern: quantified group at index 17/)
  }
})

const badNames: readonly (readonly [string, RegExp])[] = [
  ['Customer', /lowercase letters/],
  ['1st', /starting with a letter/],
  ['customer-id', /lowercase letters/],
  ['a'.repeat(33), /1 to 32/],
  ['akiaaaaaaaaaaaaaaaaa', /marker \[REDACTED_AKIAAAAAAAAAAAAAAAAA\] would itself be redacted/],
]

for (const [name, reason] of badNames) {
  test(`the name ${JSON.stringify(name)} is refused naming redact.patterns.0.name`, () => {
    assert.throws(
      () => createRedactor({ patterns: [{ name, pattern: 'CUST-\\d{6}' }] }),
      (err: unknown) =>
        err instanceof LookoutError &&
        /redact\.patterns\.0\.name: /.test(err.message) &&
        reason.test(err.message),
    )
  })
}

test('a pattern that matches inside another custom marker is refused', () => {
  assert.throws(
    () =>
      createRedactor({
        patterns: [
          { name: 'customer_id', pattern: 'CUST-\\d{6}' },
          { name: 'marker_text', pattern: 'REDACTED_CUSTOMER_ID' },
        ],
      }),
    /redact\.patterns\.1\.pattern: matches inside the redaction marker \[REDACTED_CUSTOMER_ID\]/,
  )
})

test('more than 32 patterns are refused', () => {
  const many = Array.from({ length: 33 }, (_, i) => ({ name: `p${i}`, pattern: `P${i}-\\d{6}` }))
  assert.throws(
    () => createRedactor({ patterns: many }),
    /redact\.patterns\.32\.pattern: more than 32 patterns/,
  )
  assert.throws(() => resolveConfig({ service: 'x', redact: { patterns: many } }, {}), /redact\.patterns/)
})

// Random patterns from these pieces, checked against the same pattern as a JavaScript regular expression with the
// token boundary written out (a match may be neither preceded nor followed by a character of the alphabet).
const PATTERN_PIECES = [
  'A',
  'B',
  '-',
  '_',
  '\\.',
  '\\d',
  '\\d{2}',
  '\\d{1,3}',
  '[A-C]{2,4}',
  '[a-f0-9]{1,6}',
  'x?',
  '[0-4]?',
  '\\w{0,3}',
]
const ALPHABET_TEXT = [
  'A',
  'B',
  'C',
  'a',
  'f',
  'x',
  'z',
  '0',
  '1',
  '5',
  '9',
  '-',
  '_',
  '.',
  ' ',
  '/',
  ':',
  'é',
  '[',
  ']',
]

function oracle(source: string, alphabet: Uint8Array): RegExp {
  let cls = ''
  for (let c = 0; c < 128; c++) if (alphabet[c] === 1) cls += `\\x${c.toString(16).padStart(2, '0')}`
  return new RegExp(`(?<![${cls}])(?:${source})(?![${cls}])`, 'g')
}

test('the one-pass scanner redacts exactly what the equivalent regular expression matches', () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...PATTERN_PIECES), { minLength: 1, maxLength: 5 }).map((p) => p.join('')),
      // Mostly characters patterns accept, so tokens often have a matching length and shape.
      fc
        .array(
          fc.oneof(
            { arbitrary: fc.constantFrom('0', '1', '5', 'A', 'B', 'x', '-', '.'), weight: 6 },
            { arbitrary: fc.constantFrom(...ALPHABET_TEXT), weight: 1 },
          ),
          { maxLength: 24 },
        )
        .map((p) => p.join('')),
      (source, text) => {
        const compiled = compileValuePattern({ name: 'x', pattern: source })
        fc.pre(compiled.ok)
        if (!compiled.ok) return true
        const expected = text.replace(oracle(source, compiled.pattern.alphabet), compiled.pattern.marker)
        return redactValuePattern(text, compiled.pattern) === expected
      },
    ),
    { numRuns: 5000, seed: 27 },
  )
})

const VALUES = ['CUST-123456', 'CUST-000000', 'AB12345', 'XYZ87654321', 'ord_deadbeef', 'ORD_00AA11BB']
const NOISE = [
  ' ',
  '-',
  '_',
  '.',
  ',',
  '=',
  ':',
  '"',
  '@',
  '/',
  'a',
  'Z',
  '9',
  'CUST',
  'ord',
  'jane@example.com',
  'password=',
  ' +1 415 555 2671 ',
  'Bearer ',
  '[',
  ']',
  REDACTION_MARKERS.email,
  '[REDACTED_CUSTOMER_ID]',
]
const TOKEN = [
  /(?<![A-Z0-9-])CUST-\d{6}(?![A-Z0-9-])/,
  /(?<![A-Z0-9])[A-Z]{2,3}\d{5,8}(?![A-Z0-9])/,
  /(?<![A-Za-z0-9_])[Oo][Rr][Dd]_[a-zA-Z0-9]{8}(?![A-Za-z0-9_])/,
]

test('redaction of arbitrary text is idempotent and leaves no token a custom pattern matches', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom(...VALUES), fc.constantFrom(...NOISE), fc.string({ maxLength: 4 })), {
        maxLength: 30,
      }),
      (parts) => {
        const once = redactor.redactString(parts.join(''))
        if (redactor.redactString(once) !== once) return false
        return TOKEN.every((re) => !re.test(once))
      },
    ),
    { numRuns: 3000, seed: 7 },
  )
})

test('a value standing alone between separators never survives', () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...NOISE), { maxLength: 8 }),
      fc.constantFrom(...VALUES),
      fc.constantFrom(' ', ',', '=', '"', '/', '\n'),
      fc.array(fc.constantFrom(...NOISE), { maxLength: 8 }),
      (before, value, sep, after) => {
        const once = redactor.redactString(`${before.join('')}${sep}${value}${sep}${after.join('')}`)
        return !once.includes(value)
      },
    ),
    { numRuns: 2000, seed: 11 },
  )
})
