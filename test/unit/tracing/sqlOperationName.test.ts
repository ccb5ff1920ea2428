import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sqlOperationName } from '../../../src/tracing/sqlOperationName.ts'

// [sentence, statement, operation]
const cases: [string, string, string | undefined][] = [
  ['a select is SELECT', 'SELECT id FROM users WHERE id = ?', 'SELECT'],
  ['a lower-case statement is upper-cased', 'select `id` from `users` where `users`.`id` = ?', 'SELECT'],
  ['an insert is INSERT', "INSERT INTO users VALUES (7, 'a@b.c')", 'INSERT'],
  ['leading whitespace and new lines are skipped', '\n\t  UPDATE users SET email = ?', 'UPDATE'],
  ['a leading line comment is skipped', '-- nightly report\nDELETE FROM sessions', 'DELETE'],
  ['a leading MySQL hash comment is skipped', '# cleanup\nDELETE FROM sessions', 'DELETE'],
  ['a leading block comment is skipped', '/* app=web,route=/users */ SELECT 1', 'SELECT'],
  ['opening parentheses are skipped', '(SELECT 1) UNION (SELECT 2)', 'SELECT'],
  ['a common table expression is WITH', 'WITH t AS (SELECT 1) SELECT * FROM t', 'WITH'],
  ['a statement without arguments is its keyword', 'BEGIN', 'BEGIN'],
  ['a trailing semicolon is one statement', 'COMMIT;', 'COMMIT'],
  ['a trailing semicolon, spaces and a comment are one statement', 'SELECT 1 ; -- done\n', 'SELECT'],
  ['a semicolon inside a string is no second statement', "SELECT 'a;b' AS x", 'SELECT'],
  ['a semicolon inside a doubled-quote string is no second statement', "SELECT 'it''s; fine'", 'SELECT'],
  ['a semicolon inside a quoted name is no second statement', 'SELECT "a;b" FROM `c;d`', 'SELECT'],
  ['a semicolon inside a comment is no second statement', 'SELECT 1 /* a; b */ + 2', 'SELECT'],
  [
    'a function body in dollar quotes is one statement',
    'CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql',
    'CREATE',
  ],
  [
    'a function body in tagged dollar quotes is one statement',
    'CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END $body$ LANGUAGE plpgsql',
    'CREATE',
  ],
  ['a positional placeholder is not a dollar quote', 'SELECT $1; SELECT $2', undefined],
  ['two statements have no single operation', 'UPDATE a SET x = 1; DELETE FROM b', undefined],
  ['two statements after a string have no single operation', "SELECT 'x'; DROP TABLE t", undefined],
  ['an empty statement has none', '', undefined],
  ['only a comment has none', '/* nothing */', undefined],
  ['a leading placeholder has none', '? = 1', undefined],
  ['a word glued to digits is no keyword', 'SELECT1 FROM t', undefined],
  ['an unterminated string ends the statement', "SELECT 'abc; DROP", 'SELECT'],
]

for (const [name, sql, expected] of cases)
  test(name, () => {
    assert.equal(sqlOperationName(sql), expected)
  })

test('a long statement is read in linear time', () => {
  const quotes = `SELECT ${"'a', ".repeat(200_000)}1;`
  const semicolons = `SELECT 1 ${'/*;*/'.repeat(200_000)}`
  const started = performance.now()
  assert.equal(sqlOperationName(quotes), 'SELECT')
  assert.equal(sqlOperationName(semicolons), 'SELECT')
  assert.ok(performance.now() - started < 1000)
})
