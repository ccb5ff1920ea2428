import assert from 'node:assert/strict'
import { test } from 'node:test'
import { maskSqlLiterals } from '../../../src/tracing/maskSqlLiterals.ts'

const CASES: readonly (readonly [string, string, string])[] = [
  ['a quoted string', "SELECT * FROM users WHERE email = 'a@b.c'", 'SELECT * FROM users WHERE email = ?'],
  ['a double-quoted string', 'SELECT "secret" AS s', 'SELECT ? AS s'],
  ['escaped and doubled quotes', "SELECT 'it''s', 'a\\'b', 'x' FROM t", 'SELECT ?, ?, ? FROM t'],
  ['an unterminated string to the end', "SELECT 'abc FROM t", 'SELECT ?'],
  ['integers, fractions, exponents and hex', 'SELECT 42, 3.14, 1e10, 2.5E-3, 0xFF', 'SELECT ?, ?, ?, ?, ?'],
  ['prefixed strings', "SELECT X'0A', b'101', N'name'", 'SELECT ?, ?, ?'],
  ['placeholders stay', 'SELECT * FROM t WHERE id = ? AND n > ?', 'SELECT * FROM t WHERE id = ? AND n > ?'],
  ['digits inside identifiers stay', 'SELECT c1, t2.col_3 FROM t2', 'SELECT c1, t2.col_3 FROM t2'],
  ['back-quoted names stay, quotes inside them too', "SELECT `it's 1` FROM `t`", "SELECT `it's 1` FROM `t`"],
  ['negative numbers keep their sign', 'SELECT -5', 'SELECT -?'],
  ['an empty statement', '', ''],
]

for (const [name, sql, masked] of CASES) {
  test(`maskSqlLiterals replaces ${name}`, () => {
    assert.equal(maskSqlLiterals(sql), masked)
  })
}

test('maskSqlLiterals reads a run of escapes or doubled quotes as one literal', () => {
  const sql = `SELECT ${"'\\".repeat(50_000)}`
  assert.equal(maskSqlLiterals(sql), 'SELECT ?')
  const quotes = `SELECT ${"''".repeat(50_000)}'`
  assert.equal(maskSqlLiterals(quotes), 'SELECT ?')
})
