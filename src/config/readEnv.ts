import type { ConfigProblem } from '../errors.ts'
import type { EnvBinding } from './envBinding.ts'

/** What {@link readEnv} found: a raw options object, where each value came from, and unreadable variables. */
export interface EnvReading {
  readonly raw: Record<string, unknown>
  /** option path → variable name, for error messages. */
  readonly origins: ReadonlyMap<string, string>
  readonly problems: readonly ConfigProblem[]
}

const TRUE = new Set(['1', 'true', 'yes', 'on'])
const FALSE = new Set(['0', 'false', 'no', 'off'])

/**
 * Typed environment readers (the OpenTelemetry model): blank means unset; a value that cannot be read is a
 * problem naming the variable, never silently ignored. The first binding that is set wins for a path, so list
 * Lookout's own variable before a fallback alias (e.g. `LOOKOUT_SERVICE_NAME` before `OTEL_SERVICE_NAME`).
 *
 * @example
 * readEnv([{ env: 'LOOKOUT_METRICS_PORT', path: 'metrics.port', parse: 'int' }], { LOOKOUT_METRICS_PORT: '9464' })
 * // → { raw: { metrics: { port: 9464 } }, origins: Map { 'metrics.port' => 'LOOKOUT_METRICS_PORT' }, problems: [] }
 */
export function readEnv(
  bindings: readonly EnvBinding[],
  env: Readonly<Record<string, string | undefined>>,
): EnvReading {
  const raw: Record<string, unknown> = {}
  const origins = new Map<string, string>()
  const problems: ConfigProblem[] = []
  for (const binding of bindings) {
    if (origins.has(binding.path)) continue
    const text = env[binding.env]
    if (text === undefined || text.trim() === '') continue
    const parsed = parseValue(binding, text.trim())
    if (!parsed.ok) {
      problems.push({ path: binding.path, env: binding.env, message: parsed.message })
      origins.set(binding.path, binding.env)
      continue
    }
    setPath(raw, binding.path, parsed.value)
    origins.set(binding.path, binding.env)
  }
  return { raw, origins, problems }
}

type Parsed = { ok: true; value: unknown } | { ok: false; message: string }

function parseValue(binding: EnvBinding, text: string): Parsed {
  switch (binding.parse) {
    case 'string':
      return { ok: true, value: text }
    case 'int': {
      if (!/^-?\d+$/.test(text)) return { ok: false, message: `expected an integer, got "${preview(text)}"` }
      return { ok: true, value: Number(text) }
    }
    case 'number': {
      const n = Number(text)
      if (!Number.isFinite(n)) return { ok: false, message: `expected a number, got "${preview(text)}"` }
      return { ok: true, value: n }
    }
    case 'bool': {
      const lower = text.toLowerCase()
      if (TRUE.has(lower)) return { ok: true, value: true }
      if (FALSE.has(lower)) return { ok: true, value: false }
      return { ok: false, message: `expected true/false (also 1/0, yes/no, on/off), got "${preview(text)}"` }
    }
    case 'list':
      return { ok: true, value: splitList(text) }
    case 'numberList': {
      const items = splitList(text)
      const values = items.map(Number)
      if (values.some((v) => !Number.isFinite(v))) {
        return { ok: false, message: `expected comma-separated numbers, got "${preview(text)}"` }
      }
      return { ok: true, value: values }
    }
    case 'json': {
      try {
        return { ok: true, value: JSON.parse(text) }
      } catch {
        return { ok: false, message: 'expected valid JSON' }
      }
    }
  }
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

// Values may be secrets: show only a short, shape-revealing preview.
function preview(text: string): string {
  return text.length > 24 ? `${text.slice(0, 8)}…` : text
}

/** Sets `obj[a][b][c] = value` for path `a.b.c`, creating objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let cursor: Record<string, unknown> = obj
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i]!
    const next = cursor[key]
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cursor[key] = {}
    cursor = cursor[key] as Record<string, unknown>
  }
  cursor[keys[keys.length - 1]!] = value
}
