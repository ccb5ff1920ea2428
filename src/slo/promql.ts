/** Small PromQL text helpers shared by the rule generator and the Prometheus source. */

/**
 * A PromQL string literal (double-quoted, `\` and `"` escaped).
 *
 * @example
 * promString('a"b') // '"a\\"b"'
 */
export function promString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}

/**
 * Escapes RE2 metacharacters so a value matches itself inside `=~`.
 *
 * @example
 * regexEscape('/a.b') // '/a\\.b'
 */
export function regexEscape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** One label matcher: `name="v"`, `name=~"re"`, `name!="v"`, `name!~"re"`. */
export interface Matcher {
  readonly label: string
  readonly op: '=' | '=~' | '!=' | '!~'
  readonly value: string
}

/**
 * A matcher for "label is one of values": `=` for one value, `=~` with escaped alternatives otherwise.
 *
 * @example
 * oneOf('method', ['GET', 'POST']) // { label: 'method', op: '=~', value: 'GET|POST' }
 */
export function oneOf(label: string, values: readonly string[], negate = false): Matcher {
  if (values.length === 1) return { label, op: negate ? '!=' : '=', value: values[0]! }
  return { label, op: negate ? '!~' : '=~', value: values.map(regexEscape).join('|') }
}

/**
 * A series selector `name{a="b",c=~"d"}` (`name` alone without matchers).
 *
 * @example
 * selector('http_requests_total', [{ label: 'status', op: '=~', value: '5..' }]) // 'http_requests_total{status=~"5.."}'
 */
export function selector(name: string, matchers: readonly Matcher[]): string {
  if (matchers.length === 0) return name
  return `${name}{${matchers.map((m) => `${m.label}${m.op}${promString(m.value)}`).join(',')}}`
}
