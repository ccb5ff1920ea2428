import type { ZodTypeAny } from 'zod'
import { lookoutSchema } from './schema.ts'
import { SECRET_MARK } from './secret.ts'

/** What a secret is replaced with. */
export const MASK = '********'

// Belt and braces: names that are secrets even if a section forgot to mark them.
const SECRET_NAME = /(token|secret|password|passwd|api_?key|apikey|routing_?key|private|credential|auth)/i

let cachedPaths: ReadonlySet<string> | undefined

/** Dotted paths (array items as `*`) of every schema node marked with `secret()`. */
export function secretPaths(schema: ZodTypeAny = lookoutSchema): ReadonlySet<string> {
  if (schema === lookoutSchema && cachedPaths) return cachedPaths
  const out = new Set<string>()
  walk(schema, '', out)
  if (schema === lookoutSchema) cachedPaths = out
  return out
}

function walk(node: ZodTypeAny, path: string, out: Set<string>): void {
  if (node.description === SECRET_MARK) out.add(path)
  // biome-ignore lint/suspicious/noExplicitAny: zod internals differ per node type
  const def = (node as any)._def
  switch (def?.typeName) {
    case 'ZodObject': {
      const shape = def.shape()
      for (const [key, child] of Object.entries(shape))
        walk(child as ZodTypeAny, path ? `${path}.${key}` : key, out)
      return
    }
    case 'ZodOptional':
    case 'ZodNullable':
    case 'ZodDefault':
    case 'ZodReadonly':
    case 'ZodCatch':
      walk(def.innerType, path, out)
      return
    case 'ZodEffects':
      walk(def.schema, path, out)
      return
    case 'ZodPipeline':
      walk(def.in, path, out)
      walk(def.out, path, out)
      return
    case 'ZodArray':
      walk(def.type, `${path}.*`, out)
      return
    case 'ZodRecord':
      walk(def.valueType, `${path}.*`, out)
      return
    case 'ZodUnion':
    case 'ZodDiscriminatedUnion':
      for (const option of def.options as Iterable<ZodTypeAny>) walk(option, path, out)
      return
    default:
      return
  }
}

/**
 * A copy of the resolved config safe to show to an operator: every secret-marked value (and any value under a
 * secret-sounding key) replaced by `********`, functions and client objects described, never serialised.
 *
 * @example
 * maskConfig(config).metrics.token // '********'
 */
export function maskConfig(config: unknown, paths: ReadonlySet<string> = secretPaths()): unknown {
  return mask(config, '', paths, false, new WeakSet())
}

function mask(
  value: unknown,
  path: string,
  paths: ReadonlySet<string>,
  secretKey: boolean,
  seen: WeakSet<object>,
): unknown {
  const marked = paths.has(path) || secretKey
  if (value === null || value === undefined) return value
  if (typeof value === 'string') return marked ? MASK : value
  if (typeof value === 'number' || typeof value === 'boolean') return marked ? MASK : value
  if (typeof value === 'function') return '[function]'
  if (typeof value !== 'object') return String(value)
  if (seen.has(value)) return '[circular]'
  seen.add(value)
  if (Array.isArray(value)) return value.map((item) => mask(item, `${path}.*`, paths, secretKey, seen))
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return `[${proto?.constructor?.name ?? 'object'}]`
  const out: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key
    out[key] = mask(child, childPath, paths, secretKey || SECRET_NAME.test(key), seen)
  }
  return out
}
