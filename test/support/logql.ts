/**
 * A strict parser and evaluator for the LogQL subset Lookout generates, following Loki's grammar and semantics:
 * stream selectors, line filters, `json` / `logfmt`, label filters (string, regex and numeric comparisons joined
 * by `and` / `or` / parentheses), `unwrap`, range aggregations over a log range, and vector aggregations with
 * `by` / `without`. Anything outside the subset is a parse error, so a generated query that Loki's own parser
 * might accept in another form fails here rather than passing unchecked.
 *
 * The evaluator runs a parsed query over received log entries (stream labels + JSON line) the way Loki does:
 * label filters evaluate both sides of `and`, a numeric comparison on a non-numeric value marks the line with
 * `__error__` (which fails a metric query unless a later `__error__=""` drops it), and json-extracted names
 * that collide with a stream label get the `_extracted` suffix.
 */

/** A stream or label matcher. */
export interface Matcher {
  readonly label: string
  readonly op: '=' | '!=' | '=~' | '!~'
  readonly value: string
}

/** A label filter expression. */
export type LabelExpr =
  | { readonly kind: 'and' | 'or'; readonly left: LabelExpr; readonly right: LabelExpr }
  | { readonly kind: 'string'; readonly label: string; readonly op: Matcher['op']; readonly value: string }
  | {
      readonly kind: 'number'
      readonly label: string
      readonly op: '==' | '!=' | '>' | '>=' | '<' | '<='
      readonly value: number
    }

/** One pipeline stage. */
export type Stage =
  | { readonly kind: 'line'; readonly op: '|=' | '!=' | '|~' | '!~'; readonly value: string }
  | { readonly kind: 'json' | 'logfmt' }
  | { readonly kind: 'unwrap'; readonly label: string }
  | { readonly kind: 'filter'; readonly expr: LabelExpr }

/** A log query: selector and pipeline. */
export interface LogQuery {
  readonly kind: 'log'
  readonly selector: readonly Matcher[]
  readonly stages: readonly Stage[]
}

/** Grouping of an aggregation. */
export interface Grouping {
  readonly without: boolean
  readonly labels: readonly string[]
}

/** A metric query. */
export type MetricQuery =
  | {
      readonly kind: 'range'
      readonly fn: string
      readonly param: number | undefined
      readonly log: LogQuery
      readonly range: string
      readonly grouping: Grouping | undefined
    }
  | {
      readonly kind: 'vector'
      readonly fn: string
      readonly param: number | undefined
      readonly inner: MetricQuery
      readonly grouping: Grouping | undefined
    }

/** A parsed query. */
export type Query = LogQuery | MetricQuery

const LOG_RANGE_FNS = new Set([
  'count_over_time',
  'rate',
  'bytes_over_time',
  'bytes_rate',
  'absent_over_time',
])
const UNWRAP_RANGE_FNS = new Set([
  'sum_over_time',
  'avg_over_time',
  'max_over_time',
  'min_over_time',
  'stdvar_over_time',
  'stddev_over_time',
  'quantile_over_time',
  'first_over_time',
  'last_over_time',
  'rate_counter',
])
const VECTOR_FNS = new Set(['sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'topk', 'bottomk'])
const PARAM_FNS = new Set(['topk', 'bottomk', 'quantile_over_time'])
/** Range templates Grafana substitutes, and plain durations. */
const RANGE = /^(?:\$__interval|\$__range|\$__auto|\$__rate_interval|(?:\d+(?:ms|s|m|h|d|w|y))+)$/
const IDENT = /^[a-zA-Z_][a-zA-Z0-9_]*$/

type Token = {
  readonly t: 'ident' | 'string' | 'number' | 'op' | 'range' | 'eof'
  readonly v: string
  readonly at: number
}

const OPS = ['|=', '|~', '!=', '!~', '=~', '==', '>=', '<=', '|', '=', '>', '<', '{', '}', '(', ')', ',']

function tokenize(src: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    if (c === '"') {
      let v = ''
      let j = i + 1
      for (;;) {
        if (j >= src.length) throw new Error(`unterminated string at ${i}`)
        const d = src[j]!
        if (d === '"') break
        if (d === '\\') {
          const e = src[j + 1]
          if (e === undefined || !'"\\nrt'.includes(e)) throw new Error(`bad escape \\${e} at ${j}`)
          v += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e
          j += 2
          continue
        }
        v += d
        j++
      }
      out.push({ t: 'string', v, at: i })
      i = j + 1
      continue
    }
    if (c === '`') {
      const j = src.indexOf('`', i + 1)
      if (j < 0) throw new Error(`unterminated raw string at ${i}`)
      out.push({ t: 'string', v: src.slice(i + 1, j), at: i })
      i = j + 1
      continue
    }
    if (c === '[') {
      const j = src.indexOf(']', i)
      if (j < 0) throw new Error(`unterminated range at ${i}`)
      const v = src.slice(i + 1, j).trim()
      if (!RANGE.test(v)) throw new Error(`bad range [${v}] at ${i}`)
      out.push({ t: 'range', v, at: i })
      i = j + 1
      continue
    }
    const num = /^-?\d+(?:\.\d+)?(?:e-?\d+)?/.exec(src.slice(i))
    if (num !== null && (c !== '-' || out.at(-1)?.t === 'op')) {
      out.push({ t: 'number', v: num[0], at: i })
      i += num[0].length
      continue
    }
    const id = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(src.slice(i))
    if (id !== null) {
      out.push({ t: 'ident', v: id[0], at: i })
      i += id[0].length
      continue
    }
    const op = OPS.find((o) => src.startsWith(o, i))
    if (op === undefined) throw new Error(`unexpected ${JSON.stringify(c)} at ${i}`)
    out.push({ t: 'op', v: op, at: i })
    i += op.length
  }
  out.push({ t: 'eof', v: '', at: src.length })
  return out
}

/**
 * Parses one query; throws an `Error` naming the position of the first problem.
 *
 * @example
 * parseLogql('sum by (level) (count_over_time({service="x"} [$__interval]))')
 */
export function parseLogql(src: string): Query {
  const toks = tokenize(src)
  let pos = 0
  const peek = (k = 0) => toks[pos + k]!
  const fail = (what: string): never => {
    const t = peek()
    throw new Error(`expected ${what} at ${t.at}, found ${t.t === 'eof' ? 'end' : JSON.stringify(t.v)}`)
  }
  const isOp = (v: string, k = 0) => peek(k).t === 'op' && peek(k).v === v
  const expectOp = (v: string) => {
    if (!isOp(v)) fail(`"${v}"`)
    pos++
  }
  const ident = (): string => {
    if (peek().t !== 'ident') fail('a label name')
    return toks[pos++]!.v
  }
  const string = (): string => {
    if (peek().t !== 'string') fail('a string')
    return toks[pos++]!.v
  }
  const checkRegex = (re: string) => {
    try {
      new RegExp(`^(?:${re})$`)
    } catch (err) {
      throw new Error(`bad regex ${JSON.stringify(re)}: ${(err as Error).message}`)
    }
  }

  const selector = (): Matcher[] => {
    expectOp('{')
    const out: Matcher[] = []
    for (;;) {
      const label = ident()
      const t = peek()
      if (t.t !== 'op' || !['=', '!=', '=~', '!~'].includes(t.v)) fail('a matcher operator')
      pos++
      const value = string()
      if (t.v === '=~' || t.v === '!~') checkRegex(value)
      out.push({ label, op: t.v as Matcher['op'], value })
      if (isOp(',')) {
        pos++
        continue
      }
      expectOp('}')
      break
    }
    // Loki refuses selectors that match every stream.
    const narrows = out.some(
      (m) => (m.op === '=' && m.value !== '') || (m.op === '=~' && !new RegExp(`^(?:${m.value})$`).test('')),
    )
    if (!narrows) throw new Error('the stream selector needs at least one matcher that does not match empty')
    return out
  }

  const labelPrimary = (): LabelExpr => {
    if (isOp('(')) {
      pos++
      const e = labelOr()
      expectOp(')')
      return e
    }
    const label = ident()
    const t = peek()
    if (t.t !== 'op') fail('a comparison')
    pos++
    if (['=~', '!~'].includes(t.v) || ((t.v === '=' || t.v === '!=') && peek().t === 'string')) {
      const value = string()
      if (t.v === '=~' || t.v === '!~') checkRegex(value)
      return { kind: 'string', label, op: t.v as Matcher['op'], value }
    }
    if (!['==', '!=', '>', '>=', '<', '<=', '='].includes(t.v)) fail('a comparison')
    if (peek().t !== 'number') fail('a number')
    const value = Number(toks[pos++]!.v)
    return { kind: 'number', label, op: (t.v === '=' ? '==' : t.v) as '==', value }
  }
  const labelAnd = (): LabelExpr => {
    let left = labelPrimary()
    while ((peek().t === 'ident' && peek().v === 'and') || isOp(',')) {
      pos++
      left = { kind: 'and', left, right: labelPrimary() }
    }
    return left
  }
  const labelOr = (): LabelExpr => {
    let left = labelAnd()
    while (peek().t === 'ident' && peek().v === 'or') {
      pos++
      left = { kind: 'or', left, right: labelAnd() }
    }
    return left
  }

  const logQuery = (): LogQuery => {
    const sel = selector()
    const stages: Stage[] = []
    for (;;) {
      const t = peek()
      if (t.t !== 'op') break
      if (['|=', '!=', '|~', '!~'].includes(t.v)) {
        pos++
        const value = string()
        if (t.v === '|~' || t.v === '!~') checkRegex(value)
        stages.push({ kind: 'line', op: t.v as '|=', value })
        continue
      }
      if (t.v !== '|') break
      pos++
      const n = peek()
      if (n.t === 'ident' && (n.v === 'json' || n.v === 'logfmt') && !isOp('=', 1) && !isOp('!=', 1)) {
        pos++
        stages.push({ kind: n.v })
        continue
      }
      if (n.t === 'ident' && n.v === 'unwrap') {
        pos++
        stages.push({ kind: 'unwrap', label: ident() })
        continue
      }
      stages.push({ kind: 'filter', expr: labelOr() })
    }
    return { kind: 'log', selector: sel, stages }
  }

  const grouping = (): Grouping | undefined => {
    const t = peek()
    if (t.t !== 'ident' || (t.v !== 'by' && t.v !== 'without')) return undefined
    pos++
    expectOp('(')
    const labels = [ident()]
    while (isOp(',')) {
      pos++
      labels.push(ident())
    }
    expectOp(')')
    return { without: t.v === 'without', labels }
  }

  const metric = (): MetricQuery => {
    const t = peek()
    if (t.t !== 'ident') fail('an aggregation')
    const fn = t.v
    pos++
    if (VECTOR_FNS.has(fn)) {
      const before = grouping()
      expectOp('(')
      let param: number | undefined
      if (PARAM_FNS.has(fn)) {
        if (peek().t !== 'number') fail(`${fn}'s parameter`)
        param = Number(toks[pos++]!.v)
        expectOp(',')
      }
      const inner = metric()
      expectOp(')')
      const after = grouping()
      if (before !== undefined && after !== undefined) throw new Error(`${fn} has two groupings`)
      return { kind: 'vector', fn, param, inner, grouping: before ?? after }
    }
    if (!LOG_RANGE_FNS.has(fn) && !UNWRAP_RANGE_FNS.has(fn))
      throw new Error(`unknown function ${fn} at ${t.at}`)
    expectOp('(')
    let param: number | undefined
    if (PARAM_FNS.has(fn)) {
      if (peek().t !== 'number') fail(`${fn}'s parameter`)
      param = Number(toks[pos++]!.v)
      expectOp(',')
    }
    const log = logQuery()
    if (peek().t !== 'range') fail('a range [..]')
    const range = toks[pos++]!.v
    expectOp(')')
    const unwraps = log.stages.filter((s) => s.kind === 'unwrap').length
    if (UNWRAP_RANGE_FNS.has(fn) && unwraps !== 1) throw new Error(`${fn} needs exactly one unwrap`)
    if (LOG_RANGE_FNS.has(fn) && unwraps !== 0) throw new Error(`${fn} takes a log range without unwrap`)
    const g = grouping()
    if (g !== undefined && !UNWRAP_RANGE_FNS.has(fn)) throw new Error(`${fn} takes no grouping`)
    return { kind: 'range', fn, param, log, range, grouping: g }
  }

  const q: Query = isOp('{') ? logQuery() : metric()
  if (peek().t !== 'eof') fail('the end of the query')
  return q
}

/** One received log entry: its stream labels and its line. */
export interface LogEntry {
  readonly labels: Readonly<Record<string, string>>
  readonly line: string
}

/** Labels of one result series or line. */
export type Labels = Readonly<Record<string, string>>

/** What a query returns over a set of entries. */
export interface Evaluation {
  /** Lines (log query) or series (metric query). */
  readonly results: readonly Labels[]
  /** Grouping labels that are empty in every result (a `by` over a field the lines never carry). */
  readonly emptyGroupings: readonly string[]
}

/** Loki's json parser: nested keys joined with `_`, arrays skipped, scalars as text. */
function jsonLabels(line: string, into: Record<string, string>, stream: Labels): void {
  const obj = JSON.parse(line) as unknown
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('JSONParserErr')
  const walk = (o: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      const name = `${prefix}${k.replace(/[^a-zA-Z0-9_]/g, '_')}`
      if (v !== null && typeof v === 'object') {
        if (!Array.isArray(v)) walk(v as Record<string, unknown>, `${name}_`)
        continue
      }
      into[name in stream ? `${name}_extracted` : name] = v === null ? '' : String(v)
    }
  }
  walk(obj as Record<string, unknown>, '')
}

const matches = (m: { op: Matcher['op']; value: string }, v: string): boolean => {
  switch (m.op) {
    case '=':
      return v === m.value
    case '!=':
      return v !== m.value
    case '=~':
      return new RegExp(`^(?:${m.value})$`).test(v)
    case '!~':
      return !new RegExp(`^(?:${m.value})$`).test(v)
  }
}

function filter(e: LabelExpr, labels: Record<string, string>): boolean {
  switch (e.kind) {
    case 'and': {
      // Loki evaluates both sides of `and` (errors on either side mark the line).
      const l = filter(e.left, labels)
      const r = filter(e.right, labels)
      return l && r
    }
    case 'or': {
      if (filter(e.left, labels)) return true
      return filter(e.right, labels)
    }
    case 'string':
      return matches(e, labels[e.label] ?? '')
    case 'number': {
      const raw = labels[e.label] ?? ''
      const v = raw.trim() === '' ? Number.NaN : Number(raw)
      if (Number.isNaN(v)) {
        labels.__error__ = 'LabelFilterErr'
        labels.__error_details__ = `${e.label}=${JSON.stringify(raw)} is not a number`
        return true
      }
      switch (e.op) {
        case '==':
          return v === e.value
        case '!=':
          return v !== e.value
        case '>':
          return v > e.value
        case '>=':
          return v >= e.value
        case '<':
          return v < e.value
        case '<=':
          return v <= e.value
      }
    }
  }
}

/** Runs a log query's pipeline; returns each kept line's labels (with `__error__` when Loki would set it). */
function runLog(q: LogQuery, entries: readonly LogEntry[]): Record<string, string>[] {
  const out: Record<string, string>[] = []
  next: for (const entry of entries) {
    if (!q.selector.every((m) => matches(m, entry.labels[m.label] ?? ''))) continue
    const labels: Record<string, string> = { ...entry.labels }
    for (const s of q.stages) {
      switch (s.kind) {
        case 'line': {
          const has =
            s.op === '|=' || s.op === '!='
              ? entry.line.includes(s.value)
              : new RegExp(s.value).test(entry.line)
          if ((s.op === '|=' || s.op === '|~') !== has) continue next
          break
        }
        case 'json':
          try {
            jsonLabels(entry.line, labels, entry.labels)
          } catch {
            labels.__error__ = 'JSONParserErr'
          }
          break
        case 'logfmt':
          throw new Error('logfmt is not evaluated (Lookout writes JSON lines)')
        case 'unwrap': {
          const raw = labels[s.label] ?? ''
          const v = raw.trim() === '' ? Number.NaN : Number(raw)
          if (Number.isNaN(v)) {
            labels.__error__ = 'SampleExtractionErr'
            labels.__error_details__ = `${s.label}=${JSON.stringify(raw)} is not a number`
          } else labels.__unwrapped__ = String(v)
          break
        }
        case 'filter': {
          const e = s.expr
          // `__error__=""` is the one filter that reads the error label.
          if (e.kind === 'string' && e.label === '__error__') {
            if (!matches(e, labels.__error__ ?? '')) continue next
            break
          }
          if (!filter(e, labels)) continue next
          break
        }
      }
    }
    out.push(labels)
  }
  return out
}

const groupKey = (labels: Labels, g: Grouping | undefined): Record<string, string> => {
  if (g === undefined) return {}
  if (!g.without) return Object.fromEntries(g.labels.map((l) => [l, labels[l] ?? '']))
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !g.labels.includes(k)))
}

/**
 * Evaluates a parsed query over entries as one window: a log query returns its kept lines, a metric query its
 * series. Throws Loki's "pipeline error" when a metric query keeps a line marked with `__error__`.
 *
 * @example
 * evaluateLogql(parseLogql('{service="x"} | json | status >= 500'), entries).results.length
 */
export function evaluateLogql(q: Query, entries: readonly LogEntry[]): Evaluation {
  const emptyGroupings = new Set<string>()
  const seenGrouping = new Map<string, boolean>()
  const note = (g: Grouping | undefined, rows: readonly Labels[]) => {
    if (g === undefined || g.without) return
    for (const l of g.labels)
      seenGrouping.set(l, (seenGrouping.get(l) ?? false) || rows.some((r) => (r[l] ?? '') !== ''))
  }
  const dedupe = (rows: Record<string, string>[]) => {
    const seen = new Map<string, Record<string, string>>()
    for (const r of rows) seen.set(JSON.stringify(Object.entries(r).sort()), r)
    return [...seen.values()]
  }
  const metric = (m: MetricQuery): Record<string, string>[] => {
    if (m.kind === 'range') {
      const lines = runLog(m.log, entries)
      const bad = lines.find((l) => l.__error__ !== undefined)
      if (bad !== undefined)
        throw new Error(`pipeline error: ${bad.__error__} (${bad.__error_details__ ?? 'unparsable line'})`)
      const series = lines.map((l) => {
        const { __unwrapped__: _u, ...rest } = l
        return rest
      })
      note(m.grouping, series)
      return dedupe(series.map((s) => (m.grouping === undefined ? s : groupKey(s, m.grouping))))
    }
    const inner = metric(m.inner)
    if (m.fn === 'topk' || m.fn === 'bottomk') return inner.slice(0, m.param)
    note(m.grouping, inner)
    return dedupe(inner.map((s) => groupKey(s, m.grouping ?? { without: false, labels: [] })))
  }
  let results: Labels[]
  if (q.kind === 'log') {
    results = runLog(q, entries)
  } else {
    results = metric(q)
  }
  for (const [l, seen] of seenGrouping) if (!seen) emptyGroupings.add(l)
  return { results, emptyGroupings: [...emptyGroupings] }
}

/**
 * Field and label names a query reads: in label filters, `unwrap` and groupings (stream-selector labels apart).
 *
 * @example
 * fieldsRead(parseLogql('{service="x"} | json | route="/a"')) // ['route']
 */
export function fieldsRead(q: Query): string[] {
  const out = new Set<string>()
  const expr = (e: LabelExpr): void => {
    if (e.kind === 'string' || e.kind === 'number') {
      if (e.label !== '__error__') out.add(e.label)
      return
    }
    expr(e.left)
    expr(e.right)
  }
  const log = (l: LogQuery) => {
    for (const s of l.stages) {
      if (s.kind === 'unwrap') out.add(s.label)
      if (s.kind === 'filter') expr(s.expr)
    }
  }
  const metric = (m: MetricQuery) => {
    if (m.grouping !== undefined) for (const g of m.grouping.labels) out.add(g)
    if (m.kind === 'range') log(m.log)
    else metric(m.inner)
  }
  if (q.kind === 'log') log(q)
  else metric(q)
  for (const n of out) if (!IDENT.test(n)) throw new Error(`bad label name ${n}`)
  return [...out].sort()
}
