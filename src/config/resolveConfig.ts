import { hostname } from 'node:os'
import type { ZodIssue } from 'zod'
import { type ConfigProblem, configInvalidError } from '../errors.ts'
import { readEnv } from './readEnv.ts'
import { envBindings, type LookoutOptions, lookoutSchema, type ResolvedConfig } from './schema.ts'

/**
 * Turns code options + environment into one frozen, fully resolved config: code > env > default.
 * Throws `LOOKOUT_ERR_CONFIG_INVALID` listing every problem with its option path and variable name.
 *
 * Nothing below this function reads `process.env`.
 *
 * @param options code options (win over the environment)
 * @param env the environment; default `process.env`
 * @example
 * const config = resolveConfig({ service: 'identity' }, process.env)
 * config.metrics.path // '/metrics'
 */
export function resolveConfig(
  options: LookoutOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedConfig {
  const fromEnv = readEnv(envBindings, env)
  const merged = deepMerge(fromEnv.raw, options as Record<string, unknown>)
  const parsed = lookoutSchema.safeParse(merged)
  const problems: ConfigProblem[] = [...fromEnv.problems]
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(toProblem(issue, fromEnv.origins, options))
  }
  if (problems.length > 0) throw configInvalidError(dedupe(problems))
  const value = parsed.data as Record<string, unknown>
  if (value.instance === undefined) value.instance = hostname()
  return deepFreeze(value) as unknown as ResolvedConfig
}

function toProblem(issue: ZodIssue, origins: ReadonlyMap<string, string>, options: unknown): ConfigProblem {
  const path = issue.path.join('.')
  // Attribute to env only when code did not set the value (code wins, so the bad value is the code's).
  let envName: string | undefined
  for (let i = issue.path.length; i > 0 && envName === undefined; i--) {
    const prefix = issue.path.slice(0, i).join('.')
    const origin = origins.get(prefix)
    if (origin !== undefined && getPath(options, issue.path.slice(0, i)) === undefined) envName = origin
  }
  let message = issue.message
  if (issue.code === 'invalid_enum_value')
    message = `expected one of ${issue.options.map((o) => `"${String(o)}"`).join(', ')}`
  if (issue.code === 'unrecognized_keys')
    message = `unknown option(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
  return { path: path === '' ? '(root)' : path, env: envName, message }
}

function getPath(obj: unknown, path: readonly (string | number)[]): unknown {
  let cursor = obj
  for (const key of path) {
    if (cursor === null || typeof cursor !== 'object') return undefined
    cursor = (cursor as Record<string | number, unknown>)[key]
  }
  return cursor
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>()
  return problems.filter((p) => {
    const key = `${p.path}|${p.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** Plain objects merge recursively; anything else in `over` (arrays, functions, class instances) replaces. */
export function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over ?? {})) {
    if (value === undefined) continue
    const current = out[key]
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value
  }
  return out
}

/** Freezes plain objects and arrays recursively; leaves functions and class instances (clients, pools) alone. */
export function deepFreeze<T>(value: T): T {
  if (Array.isArray(value)) {
    for (const item of value) deepFreeze(item)
    return Object.freeze(value)
  }
  if (isPlainObject(value)) {
    for (const item of Object.values(value)) deepFreeze(item)
    return Object.freeze(value)
  }
  return value
}
