import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type SqlDialect, sqlOperationName } from '../../../src/tracing/sqlOperationName.ts'

type Dialects = SqlDialect | 'both'

// [sentence, dialects it holds for, statement, operation]
const cases: [string, Dialects, string, string | undefined][] = [
  ['a select is SELECT', 'both', 'SELECT id FROM users WHERE id = ?', 'SELECT'],
  [
    'a lower-case statement is upper-cased',
    'mysql',
    'select `id` from `users` where `users`.`id` = ?',
    'SELECT',
  ],
  ['an insert is INSERT', 'both', "INSERT INTO users VALUES (7, 'a@b.c')", 'INSERT'],
  ['leading whitespace and new lines are skipped', 'both', '\n\t  UPDATE users SET email = ?', 'UPDATE'],
  ['a leading line comment is skipped', 'both', '-- nightly report\nDELETE FROM sessions', 'DELETE'],
  ['a leading MySQL hash comment is skipped', 'mysql', '# cleanup\nDELETE FROM sessions', 'DELETE'],
  ['a leading block comment is skipped', 'both', '/* app=web,route=/users */ SELECT 1', 'SELECT'],
  ['opening parentheses are skipped', 'both', '(SELECT 1) UNION (SELECT 2)', 'SELECT'],
  ['a common table expression is WITH', 'both', 'WITH t AS (SELECT 1) SELECT * FROM t', 'WITH'],
  ['a statement without arguments is its keyword', 'both', 'BEGIN', 'BEGIN'],
  ['a trailing semicolon is one statement', 'both', 'COMMIT;', 'COMMIT'],
  ['a trailing semicolon, spaces and a comment are one statement', 'both', 'SELECT 1 ; -- done\n', 'SELECT'],
  ['a semicolon inside a string is no second statement', 'both', "SELECT 'a;b' AS x", 'SELECT'],
  [
    'a semicolon inside a doubled-quote string is no second statement',
    'both',
    "SELECT 'it''s; fine'",
    'SELECT',
  ],
  ['a semicolon inside a quoted name is no second statement', 'postgresql', 'SELECT "a;b" FROM t', 'SELECT'],
  [
    'a semicolon inside a MySQL quoted name is no second statement',
    'mysql',
    'SELECT "a;b" FROM `c;d`',
    'SELECT',
  ],
  ['a backtick quotes nothing in PostgreSQL', 'postgresql', 'SELECT `a; DELETE FROM t', undefined],
  ['a semicolon inside a comment is no second statement', 'both', 'SELECT 1 /* a; b */ + 2', 'SELECT'],
  [
    'a function body in dollar quotes is one statement',
    'postgresql',
    'CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql',
    'CREATE',
  ],
  [
    'a function body in tagged dollar quotes is one statement',
    'postgresql',
    'CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END $body$ LANGUAGE plpgsql',
    'CREATE',
  ],
  ['a positional placeholder is not a dollar quote', 'postgresql', 'SELECT $1; SELECT $2', undefined],
  ['two statements have no single operation', 'both', 'UPDATE a SET x = 1; DELETE FROM b', undefined],
  ['two statements after a string have no single operation', 'both', "SELECT 'x'; DROP TABLE t", undefined],
  ['an empty statement has none', 'both', '', undefined],
  ['only a comment has none', 'both', '/* nothing */', undefined],
  ['a leading placeholder has none', 'both', '? = 1', undefined],
  ['a word glued to digits is no keyword', 'both', 'SELECT1 FROM t', undefined],
  ['an unterminated string ends the statement', 'both', "SELECT 'abc; DROP", 'SELECT'],
  [
    'a hash is an operator in PostgreSQL, so a semicolon after it ends a statement',
    'postgresql',
    'SELECT 5 # 3; DELETE FROM t',
    undefined,
  ],
  ['a hash comment hides a semicolon in MySQL', 'mysql', 'SELECT 1 # a; b', 'SELECT'],
  ['a backslash escapes a quote in a MySQL string', 'mysql', "SELECT 'it\\'s; fine'", 'SELECT'],
  [
    'a backslash ends nothing in a standard PostgreSQL string',
    'postgresql',
    "SELECT 'a\\'; DELETE FROM t",
    undefined,
  ],
  ['a backslash escapes a quote in a PostgreSQL E string', 'postgresql', "SELECT E'it\\'s; fine'", 'SELECT'],
  [
    'a double-dash needs a space after it to comment in MySQL',
    'mysql',
    'SELECT 1--1; DELETE FROM t',
    undefined,
  ],
  ['a double-dash comments at once in PostgreSQL', 'postgresql', 'SELECT 1 --1; x\n', 'SELECT'],
  ['block comments nest in PostgreSQL', 'postgresql', 'SELECT 1 /* a /* b */ ; c */ + 2', 'SELECT'],
  ['block comments do not nest in MySQL', 'mysql', 'SELECT 1 /* a /* b */ ; DELETE FROM t', undefined],
  ['dollars quote nothing in MySQL', 'mysql', 'SELECT $$; DELETE FROM t', undefined],
]

for (const [name, dialects, sql, expected] of cases)
  test(name, () => {
    for (const dialect of dialects === 'both' ? (['postgresql', 'mysql'] as const) : [dialects])
      assert.equal(sqlOperationName(sql, dialect), expected, dialect)
  })

test('a long statement is read in linear time', () => {
  const quotes = `SELECT ${"'a', ".repeat(200_000)}1;`
  const semicolons = `SELECT 1 ${'/*;*/'.repeat(200_000)}`
  const started = performance.now()
  for (const dialect of ['postgresql', 'mysql'] as const) {
    assert.equal(sqlOperationName(quotes, dialect), 'SELECT')
    assert.equal(sqlOperationName(semicolons, dialect), 'SELECT')
  }
  assert.ok(performance.now() - started < 1000)
})
