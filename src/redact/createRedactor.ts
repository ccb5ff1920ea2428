import { configInvalidError } from '../errors.ts'
import { detachedCopy } from '../util/detachedCopy.ts'
import type { ValuePatternOptions } from './compileValuePattern.ts'
import { compileValuePatterns } from './compileValuePatterns.ts'
import { isCredentialQueryKey } from './credentialQueryKey.ts'
import { REDACTION_MARKERS as M } from './markers.ts'
import { createKeyMatcher } from './sensitiveKeys.ts'
import { createStringRedactor, type EmailMode } from './valuePatterns.ts'

/** Options of {@link createRedactor}. Every field is optional. */
export interface RedactorOptions {
  /** Extra sensitive key names (matched case-insensitively, ignoring `-`, `_`, `.`). Default none. */
  readonly keys?: readonly string[]
  /**
   * Custom value patterns (`{ name: 'customer_id', pattern: 'CUST-\\d{6}' }` → `[REDACTED_CUSTOMER_ID]`), applied
   * before the built-in ones in every string; see {@link ValuePatternOptions} for the pattern language. Default none.
   */
  readonly patterns?: readonly ValuePatternOptions[]
  /** `redact` → `[REDACTED_EMAIL]`; `mask` → `j***@example.com`. Default `redact`. */
  readonly emailMode?: EmailMode
  /** Strings longer than this are truncated (with a `…[TRUNCATED n chars]` suffix). Default 16 384. */
  readonly maxStringLength?: number
  /** Objects nested deeper than this become `[MaxDepth]`. Default 12. */
  readonly maxDepth?: number
  /** Arrays longer than this keep their first `maxArrayLength` items plus a note. Default 200. */
  readonly maxArrayLength?: number
  /** Objects with more keys than this keep the first `maxKeys`. Default 500. */
  readonly maxKeys?: number
}

/** The redactor: one per configuration, shared by logs, spans, error reports and alert payloads. */
export interface Redactor {
  /**
   * Deep redacted copy of any value: sensitive keys → `[REDACTED]`, strings → {@link Redactor.redactString}.
   * Errors become `{type, message, stack, code?, cause?}`; Buffers/typed arrays `[Binary]`; cycles
   * `[Circular]`; throwing getters `[Unreadable]`; Maps/Sets plain objects/arrays; symbols and functions strings.
   * Never throws.
   */
  redact(value: unknown): unknown
  /**
   * Like {@link Redactor.redact} but shares every unchanged plain object/array with the input (no allocation
   * when nothing needed redacting). Treat the result as read-only. Used on the log hot path.
   */
  redactShared(value: unknown): unknown
  /** Redacts value patterns inside a string (returns the same string when nothing matched). Never throws. */
  redactString(text: string): string
  /** Whether a key name is sensitive (its value is always replaced). */
  isSensitiveKey(key: string): boolean
  /**
   * Redacts a URL or path: values of sensitive and credential-like query parameters ({@link isCredentialQueryKey}:
   * `key`, `token`, `sig`, `code`, `pass*`, `auth*` …) → `[REDACTED]`, PII in path/values → markers.
   */
  redactUrl(url: string): string
}

const DEFAULTS = { maxStringLength: 16_384, maxDepth: 12, maxArrayLength: 200, maxKeys: 500 }

/**
 * Creates a redactor.
 *
 * Defaults: the frozen key set of {@link DEFAULT_SENSITIVE_KEYS}, no custom value patterns, emails replaced,
 * strings cut at 16 384 characters, depth 12, 200 array items, 500 keys per object. Throws
 * `LOOKOUT_ERR_CONFIG_INVALID` naming `redact.patterns.<n>.name` / `.pattern` when a custom pattern is refused.
 *
 * @example
 * const redactor = createRedactor({ keys: ['x-internal-signature'], emailMode: 'mask' })
 * redactor.redact({ user: 'jane@example.com', password: 'hunter2' })
 * // { user: 'j***@example.com', password: '[REDACTED]' }
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const maxDepth = options.maxDepth ?? DEFAULTS.maxDepth
  const maxArray = options.maxArrayLength ?? DEFAULTS.maxArrayLength
  const maxKeys = options.maxKeys ?? DEFAULTS.maxKeys
  const isSensitiveKey = createKeyMatcher(options.keys ?? [])
  const compiled = compileValuePatterns(options.patterns ?? [])
  if (compiled.problems.length > 0)
    throw configInvalidError(
      compiled.problems.map((p) => ({ path: `redact.patterns.${p.index}.${p.field}`, message: p.reason })),
    )
  const redactString = createStringRedactor({
    isSensitiveKey,
    patterns: compiled.patterns,
    emailMode: options.emailMode ?? 'redact',
    maxStringLength: options.maxStringLength ?? DEFAULTS.maxStringLength,
  })

  // Query parameter names repeat across requests: remember the verdict (bounded in count and length; a name is
  // cut from its URL, so the memo keeps a copy rather than the URL with it).
  const queryKeyMemo = new Map<string, boolean>()
  function isSecretQueryKey(name: string): boolean {
    let hit = queryKeyMemo.get(name)
    if (hit === undefined) {
      hit = isSensitiveKey(name) || isCredentialQueryKey(name)
      if (name.length <= 128) {
        if (queryKeyMemo.size >= 4096) queryKeyMemo.clear()
        queryKeyMemo.set(detachedCopy(name), hit)
      }
    }
    return hit
  }

  function redactUrl(url: string): string {
    try {
      const q = url.indexOf('?')
      if (q === -1) return redactString(url)
      const hash = url.indexOf('#', q)
      const query = hash === -1 ? url.slice(q + 1) : url.slice(q + 1, hash)
      const parts = query.split('&')
      let changed = false
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i]!
        const eq = part.indexOf('=')
        const name = eq === -1 ? part : part.slice(0, eq)
        if (eq === -1) continue
        const value = part.slice(eq + 1)
        let next: string
        if (isSecretQueryKey(safeDecode(name))) next = `${name}=${M.key}`
        else {
          const decoded = safeDecode(value)
          const red = redactString(decoded)
          next = red === decoded ? part : `${name}=${red}`
        }
        if (next !== part) {
          parts[i] = next
          changed = true
        }
      }
      const path = redactString(url.slice(0, q))
      const fragment = hash === -1 ? '' : redactString(url.slice(hash))
      if (!changed && path === url.slice(0, q) && (hash === -1 || fragment === url.slice(hash))) return url
      return `${path}?${parts.join('&')}${fragment}`
    } catch {
      return M.key
    }
  }

  // `shared` = copy-on-write: return the very same object when nothing below it changed.
  function walk(value: unknown, depth: number, ancestors: object[], shared: boolean): unknown {
    switch (typeof value) {
      case 'string':
        return redactString(value)
      case 'number':
      case 'boolean':
      case 'undefined':
      case 'bigint':
        return value
      case 'symbol':
        return redactString(value.toString())
      case 'function':
        return `[Function ${value.name || 'anonymous'}]`
    }
    if (value === null) return null
    const obj = value as object
    if (ancestors.includes(obj)) return M.circular
    if (depth >= maxDepth) return M.depth
    if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) return M.binary
    ancestors.push(obj)
    try {
      if (Array.isArray(obj)) return walkArray(obj, depth, ancestors, shared)
      if (obj instanceof Error) return walkError(obj, depth, ancestors)
      if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString()
      if (obj instanceof URL) return redactUrl(obj.href)
      if (obj instanceof Map) return walkMap(obj, depth, ancestors)
      if (obj instanceof Set) return walkArray([...obj], depth, ancestors, false)
      if (obj instanceof RegExp) return redactString(String(obj))
      const proto = Object.getPrototypeOf(obj)
      const plain = proto === Object.prototype || proto === null
      if (!plain && typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
        let json: unknown
        try {
          json = (obj as { toJSON(): unknown }).toJSON()
        } catch {
          return M.unreadable
        }
        return walk(json, depth + 1, ancestors, false)
      }
      return walkObject(obj as Record<string, unknown>, depth, ancestors, shared && plain)
    } catch {
      return M.unreadable
    } finally {
      ancestors.pop()
    }
  }

  function walkObject(
    obj: Record<string, unknown>,
    depth: number,
    ancestors: object[],
    shared: boolean,
  ): Record<string, unknown> {
    const keys = Object.keys(obj)
    const n = Math.min(keys.length, maxKeys)
    let out: Record<string, unknown> | undefined = shared ? undefined : {}
    for (let i = 0; i < n; i++) {
      const key = keys[i]!
      let v: unknown
      let nv: unknown
      try {
        v = obj[key]
        nv = isSensitiveKey(key)
          ? v === undefined || v === null
            ? v
            : M.key
          : walk(v, depth + 1, ancestors, shared)
      } catch {
        v = undefined
        nv = M.unreadable
      }
      if (out === undefined) {
        if (nv === v) continue
        out = {}
        for (let j = 0; j < i; j++) out[keys[j]!] = obj[keys[j]!]
      }
      out[key] = nv
    }
    if (keys.length > maxKeys) {
      out ??= Object.fromEntries(keys.slice(0, n).map((k) => [k, obj[k]]))
      out._truncated_keys = keys.length - maxKeys
    }
    return out ?? obj
  }

  function walkArray(
    arr: readonly unknown[],
    depth: number,
    ancestors: object[],
    shared: boolean,
  ): unknown[] {
    const n = Math.min(arr.length, maxArray)
    let out: unknown[] | undefined = shared ? undefined : new Array(n)
    for (let i = 0; i < n; i++) {
      let v: unknown
      let nv: unknown
      try {
        v = arr[i]
        nv = walk(v, depth + 1, ancestors, shared)
      } catch {
        nv = M.unreadable
      }
      if (out === undefined) {
        if (nv === v) continue
        out = arr.slice(0, n)
      }
      out[i] = nv
    }
    if (arr.length > maxArray) {
      out ??= arr.slice(0, n)
      out.push(`[${arr.length - maxArray} more items]`)
    }
    return out ?? (arr as unknown[])
  }

  function walkMap(map: Map<unknown, unknown>, depth: number, ancestors: object[]): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    let i = 0
    for (const [k, v] of map) {
      if (i++ >= maxKeys) break
      const key = typeof k === 'string' ? k : String(walk(k, depth + 1, ancestors, false))
      out[key] = isSensitiveKey(key) ? M.key : walk(v, depth + 1, ancestors, false)
    }
    return out
  }

  function walkError(err: Error, depth: number, ancestors: object[]): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const read = (k: string): unknown => {
      try {
        return (err as unknown as Record<string, unknown>)[k]
      } catch {
        return M.unreadable
      }
    }
    const name = read('name')
    out.type = typeof name === 'string' ? name : 'Error'
    const message = read('message')
    out.message =
      typeof message === 'string' ? redactString(message) : walk(message, depth + 1, ancestors, false)
    const stack = read('stack')
    if (typeof stack === 'string') out.stack = redactString(stack)
    let keys: string[] = []
    try {
      keys = Object.keys(err)
    } catch {
      // proxy without ownKeys
    }
    for (const k of keys.slice(0, maxKeys)) {
      if (k === 'stack' || k === 'message') continue
      out[k] = isSensitiveKey(k) ? M.key : walk(read(k), depth + 1, ancestors, false)
    }
    const cause = read('cause')
    if (cause !== undefined) out.cause = walk(cause, depth + 1, ancestors, false)
    return out
  }

  return {
    redact(value) {
      try {
        return walk(value, 0, [], false)
      } catch {
        return M.unreadable
      }
    },
    redactShared(value) {
      try {
        return walk(value, 0, [], true)
      } catch {
        return M.unreadable
      }
    },
    redactString(text) {
      return typeof text === 'string' ? redactString(text) : String(walk(text, 0, [], false))
    },
    isSensitiveKey(key) {
      try {
        return isSensitiveKey(String(key))
      } catch {
        return true
      }
    },
    redactUrl(url) {
      return typeof url === 'string' ? redactUrl(url) : M.key
    },
  }
}

function safeDecode(s: string): string {
  if (s.indexOf('%') === -1 && s.indexOf('+') === -1) return s
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return s
  }
}
