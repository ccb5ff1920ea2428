const LETTER = /[A-Za-z]/
const WORD_TAIL = /[\w$]/
const DOLLAR_TAG = /\$[A-Za-z_]*\$/y

/** The index after the whitespace, comments and (when `parens`) opening parentheses at `i`. */
function skipSpace(sql: string, i: number, parens: boolean): number {
  const n = sql.length
  while (i < n) {
    const c = sql[i]
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f' || (parens && c === '(')) i++
    else if ((c === '-' && sql[i + 1] === '-') || c === '#') i = lineEnd(sql, i)
    else if (c === '/' && sql[i + 1] === '*') i = commentEnd(sql, i)
    else break
  }
  return i
}

function lineEnd(sql: string, i: number): number {
  const end = sql.indexOf('\n', i)
  return end === -1 ? sql.length : end + 1
}

function commentEnd(sql: string, i: number): number {
  const end = sql.indexOf('*/', i + 2)
  return end === -1 ? sql.length : end + 2
}

/** The index after the quoted string or name opening at `i` (backslash escapes and doubled quotes inside). */
function quotedEnd(sql: string, i: number): number {
  const quote = sql[i]
  const n = sql.length
  i++
  while (i < n) {
    const c = sql[i]
    if (c === '\\') i += 2
    else if (c === quote && sql[i + 1] === quote) i += 2
    else if (c === quote) return i + 1
    else i++
  }
  return n
}

/** Whether a second statement follows the first one (a `;` outside strings and comments with more text after it). */
function holdsSeveralStatements(sql: string, from: number): boolean {
  const n = sql.length
  let i = from
  while (i < n) {
    const c = sql[i] as string
    if (c === "'" || c === '"' || c === '`') i = quotedEnd(sql, i)
    else if ((c === '-' && sql[i + 1] === '-') || c === '#') i = lineEnd(sql, i)
    else if (c === '/' && sql[i + 1] === '*') i = commentEnd(sql, i)
    else if (c === '$' && !WORD_TAIL.test(sql[i - 1] ?? '')) {
      // PostgreSQL dollar quoting (`$$ … $$`, `$body$ … $body$`): a function body holds `;` of its own.
      DOLLAR_TAG.lastIndex = i
      const tag = DOLLAR_TAG.exec(sql)?.[0]
      if (tag === undefined) i++
      else {
        const end = sql.indexOf(tag, i + tag.length)
        i = end === -1 ? n : end + tag.length
      }
    } else if (c === ';') {
      i = skipSpace(sql, i + 1, false)
      if (i < n && sql[i] !== ';') return true
    } else i++
  }
  return false
}

/**
 * The operation of a SQL statement for `db.operation.name`: its first keyword in upper case (`SELECT`, `INSERT`,
 * `WITH`, `BEGIN`), after leading whitespace, comments and opening parentheses. `undefined` when there is no
 * keyword or the text holds more than one statement (`SELECT 1; DELETE FROM t`): then no single operation
 * describes the call. Strings, quoted names and comments never count as a second statement. Linear in the text.
 *
 * @example
 * sqlOperationName('select `id` from `users` where `id` = ?') // 'SELECT'
 * sqlOperationName('-- nightly report\n(SELECT 1) UNION (SELECT 2)') // 'SELECT'
 * sqlOperationName('UPDATE a SET x = 1; DELETE FROM b') // undefined
 */
export function sqlOperationName(sql: string): string | undefined {
  const start = skipSpace(sql, 0, true)
  let end = start
  while (end < sql.length && LETTER.test(sql[end] as string)) end++
  if (end === start || WORD_TAIL.test(sql[end] ?? '')) return undefined
  // Most statements hold no `;` at all: one native search spares them the scan.
  if (sql.indexOf(';', end) !== -1 && holdsSeveralStatements(sql, end)) return undefined
  return sql.slice(start, end).toUpperCase()
}
