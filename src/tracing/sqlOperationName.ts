/** The SQL grammar a statement is read with; where they differ, `#` comments, escapes and dollar quotes. */
export type SqlDialect = 'postgresql' | 'mysql'

const LETTER = /[A-Za-z]/
const WORD_TAIL = /[\w$]/
const DOLLAR_TAG = /\$[A-Za-z_]*\$/y

/** Whether a line comment opens at `i`: `--` (in MySQL followed by a space or control character) or MySQL's `#`. */
function lineCommentAt(sql: string, i: number, dialect: SqlDialect): boolean {
  const c = sql[i]
  if (c === '#') return dialect === 'mysql'
  if (c !== '-' || sql[i + 1] !== '-') return false
  if (dialect === 'postgresql') return true
  const next = sql.charCodeAt(i + 2)
  return Number.isNaN(next) || next <= 32
}

/** The index after the whitespace, comments and (when `parens`) opening parentheses at `i`. */
function skipSpace(sql: string, i: number, parens: boolean, dialect: SqlDialect): number {
  const n = sql.length
  while (i < n) {
    const c = sql[i]
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f' || (parens && c === '(')) i++
    else if (lineCommentAt(sql, i, dialect)) i = lineEnd(sql, i)
    else if (c === '/' && sql[i + 1] === '*') i = commentEnd(sql, i, dialect)
    else break
  }
  return i
}

function lineEnd(sql: string, i: number): number {
  const end = sql.indexOf('\n', i)
  return end === -1 ? sql.length : end + 1
}

/** The index after the block comment opening at `i`; PostgreSQL's nest (`/* a /* b *\/ c *\/`), MySQL's do not. */
function commentEnd(sql: string, i: number, dialect: SqlDialect): number {
  if (dialect === 'mysql') {
    const end = sql.indexOf('*/', i + 2)
    return end === -1 ? sql.length : end + 2
  }
  const n = sql.length
  let depth = 1
  i += 2
  while (i < n) {
    if (sql[i] === '*' && sql[i + 1] === '/') {
      i += 2
      if (--depth === 0) return i
    } else if (sql[i] === '/' && sql[i + 1] === '*') {
      i += 2
      depth++
    } else i++
  }
  return n
}

/**
 * The index after the quoted string or name opening at `i`: doubled quotes inside, and backslash escapes where the
 * dialect reads them (MySQL strings; PostgreSQL only in `E'…'` strings).
 */
function quotedEnd(sql: string, i: number, backslashEscapes: boolean): number {
  const quote = sql[i]
  const n = sql.length
  i++
  while (i < n) {
    const c = sql[i]
    if (c === '\\' && backslashEscapes) i += 2
    else if (c === quote && sql[i + 1] === quote) i += 2
    else if (c === quote) return i + 1
    else i++
  }
  return n
}

/** Whether a second statement follows the first one (a `;` outside strings and comments with more text after it). */
function holdsSeveralStatements(sql: string, from: number, dialect: SqlDialect): boolean {
  const n = sql.length
  let i = from
  while (i < n) {
    const c = sql[i] as string
    if (c === "'" || c === '"' || (c === '`' && dialect === 'mysql')) {
      // MySQL strings take backslash escapes; PostgreSQL's only as E'…' (standard_conforming_strings).
      const escapes =
        dialect === 'mysql'
          ? c !== '`'
          : c === "'" && (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !WORD_TAIL.test(sql[i - 2] ?? '')
      i = quotedEnd(sql, i, escapes)
    } else if (lineCommentAt(sql, i, dialect)) i = lineEnd(sql, i)
    else if (c === '/' && sql[i + 1] === '*') i = commentEnd(sql, i, dialect)
    else if (c === '$' && dialect === 'postgresql' && !WORD_TAIL.test(sql[i - 1] ?? '')) {
      // Dollar quoting (`$$ … $$`, `$body$ … $body$`): a function body holds `;` of its own.
      DOLLAR_TAG.lastIndex = i
      const tag = DOLLAR_TAG.exec(sql)?.[0]
      if (tag === undefined) i++
      else {
        const end = sql.indexOf(tag, i + tag.length)
        i = end === -1 ? n : end + tag.length
      }
    } else if (c === ';') {
      i = skipSpace(sql, i + 1, false, dialect)
      if (i < n && sql[i] !== ';') return true
    } else i++
  }
  return false
}

/**
 * The operation of a SQL statement for `db.operation.name`: its first keyword in upper case (`SELECT`, `INSERT`,
 * `WITH`, `BEGIN`), after leading whitespace, comments and opening parentheses. `undefined` when there is no
 * keyword or the text holds more than one statement (`SELECT 1; DELETE FROM t`): then no single operation
 * describes the call. Strings, quoted names and comments never count as a second statement; they are read as the
 * dialect reads them (`#` is a comment in MySQL and an operator in PostgreSQL, whose strings take backslash
 * escapes only as `E'…'`). Linear in the text.
 *
 * @example
 * sqlOperationName('select `id` from `users` where `id` = ?', 'mysql') // 'SELECT'
 * sqlOperationName('-- nightly report\n(SELECT 1) UNION (SELECT 2)', 'postgresql') // 'SELECT'
 * sqlOperationName('UPDATE a SET x = 1; DELETE FROM b', 'postgresql') // undefined
 */
export function sqlOperationName(sql: string, dialect: SqlDialect): string | undefined {
  const start = skipSpace(sql, 0, true, dialect)
  let end = start
  while (end < sql.length && LETTER.test(sql[end] as string)) end++
  if (end === start || WORD_TAIL.test(sql[end] ?? '')) return undefined
  // Most statements hold no `;` at all: one native search spares them the scan.
  if (sql.indexOf(';', end) !== -1 && holdsSeveralStatements(sql, end, dialect)) return undefined
  return sql.slice(start, end).toUpperCase()
}
