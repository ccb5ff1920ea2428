const QUOTES = new Set(["'", '"'])

function isIdentifierChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_$]/.test(c)
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9'
}

/**
 * Replaces every literal of a SQL statement with `?`: quoted strings (`'…'`, `"…"`, with backslash escapes and
 * doubled quotes, an unterminated one to the end), `X'…'`/`B'…'`/`N'…'` prefixed strings and numbers (decimal,
 * fraction, exponent, `0x…`) that are not part of an identifier. Placeholders, identifiers and back-quoted names
 * are kept. One pass, linear in the statement's length, whatever it holds.
 *
 * @example
 * maskSqlLiterals("SELECT * FROM users WHERE email = 'a@b.c' AND id = 42") // 'SELECT * FROM users WHERE email = ? AND id = ?'
 */
export function maskSqlLiterals(sql: string): string {
  let out = ''
  let i = 0
  const n = sql.length
  while (i < n) {
    const c = sql[i] as string
    const prefixed = /[xXbBnN]/.test(c) && QUOTES.has(sql[i + 1] ?? '') && !isIdentifierChar(sql[i - 1])
    if (QUOTES.has(c) || prefixed) {
      const quote = prefixed ? (sql[i + 1] as string) : c
      i += prefixed ? 2 : 1
      while (i < n) {
        const d = sql[i]
        if (d === '\\') i += 2
        else if (d === quote && sql[i + 1] === quote) i += 2
        else if (d === quote) break
        else i += 1
      }
      i += 1
      out += '?'
    } else if (c === '`') {
      const end = sql.indexOf('`', i + 1)
      const stop = end === -1 ? n : end + 1
      out += sql.slice(i, stop)
      i = stop
    } else if (isDigit(c) && !isIdentifierChar(sql[i - 1])) {
      if (c === '0' && (sql[i + 1] === 'x' || sql[i + 1] === 'X')) {
        i += 2
        while (i < n && /[0-9A-Fa-f]/.test(sql[i] as string)) i += 1
      } else {
        while (isDigit(sql[i])) i += 1
        if (sql[i] === '.' && isDigit(sql[i + 1])) {
          i += 1
          while (isDigit(sql[i])) i += 1
        }
        if ((sql[i] === 'e' || sql[i] === 'E') && (isDigit(sql[i + 1]) || /[+-]/.test(sql[i + 1] ?? ''))) {
          i += 2
          while (isDigit(sql[i])) i += 1
        }
      }
      out += '?'
    } else {
      out += c
      i += 1
    }
  }
  return out
}
