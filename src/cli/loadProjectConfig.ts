import { existsSync, readFileSync } from 'node:fs'
import { extname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse as parseYaml } from 'yaml'

/** File names `lookout` looks for, in order, when `--config` is not given. */
export const CONFIG_FILE_NAMES = Object.freeze([
  'lookout.config.ts',
  'lookout.config.mts',
  'lookout.config.js',
  'lookout.config.mjs',
  'lookout.config.json',
  'lookout.config.yaml',
  'lookout.config.yml',
])

/** Outcome of {@link loadProjectConfig}. */
export type LoadedConfig =
  | { readonly ok: true; readonly path: string; readonly value: unknown }
  | { readonly ok: false; readonly kind: 'missing' | 'unreadable'; readonly message: string }

/**
 * Finds (`--config`, else the first of {@link CONFIG_FILE_NAMES} in `cwd`) and reads a project config:
 * JSON and YAML are parsed; `.js`/`.mjs` are imported; `.ts`/`.mts` are imported through tsx's `tsImport` API
 * when tsx is installed (else: run `node --import tsx`). The module's default export (or `config`) is the value.
 *
 * @example
 * const loaded = await loadProjectConfig(process.cwd(), 'examples/identity-service/lookout.config.ts')
 */
export async function loadProjectConfig(cwd: string, file?: string): Promise<LoadedConfig> {
  const path =
    file !== undefined ? resolve(cwd, file) : CONFIG_FILE_NAMES.map((n) => resolve(cwd, n)).find(existsSync)
  if (path === undefined) {
    return {
      ok: false,
      kind: 'missing',
      message: `no ${CONFIG_FILE_NAMES.join(', ')} in ${cwd} (use --config)`,
    }
  }
  if (!existsSync(path)) return { ok: false, kind: 'missing', message: `${path} does not exist` }
  const ext = extname(path).toLowerCase()
  try {
    if (ext === '.json') return { ok: true, path, value: JSON.parse(readFileSync(path, 'utf8')) }
    if (ext === '.yaml' || ext === '.yml')
      return { ok: true, path, value: parseYaml(readFileSync(path, 'utf8')) ?? {} }
    if (ext === '.js' || ext === '.mjs' || ext === '.ts' || ext === '.mts') {
      const mod = (await importModule(path, ext === '.ts' || ext === '.mts')) as {
        default?: unknown
        config?: unknown
      }
      let value = mod.default ?? mod.config
      // A CommonJS-compiled module (a .ts file outside a "type": "module" package) nests the ES default.
      const nested = value as { default?: unknown; __esModule?: boolean } | null | undefined
      if (
        nested !== null &&
        typeof nested === 'object' &&
        'default' in nested &&
        (nested.__esModule === true || Object.keys(nested).length === 1)
      ) {
        value = nested.default
      }
      return { ok: true, path, value }
    }
  } catch (err) {
    return { ok: false, kind: 'unreadable', message: `${path}: ${(err as Error).message.split('\n')[0]}` }
  }
  return {
    ok: false,
    kind: 'unreadable',
    message: `${path}: expected .ts, .mts, .js, .mjs, .json, .yaml or .yml`,
  }
}

async function importModule(path: string, typescript: boolean): Promise<unknown> {
  const url = pathToFileURL(path).href
  if (!typescript) return import(url)
  let tsImport: ((specifier: string, parent: string) => Promise<unknown>) | undefined
  try {
    tsImport = ((await import('tsx/esm/api')) as { tsImport: typeof tsImport }).tsImport
  } catch {
    tsImport = undefined
  }
  if (tsImport !== undefined) return tsImport(url, import.meta.url)
  try {
    return await import(url)
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new Error(
        'TypeScript configs need tsx: `npm i -D tsx`, or run `node --import tsx …`, or use .js/.json',
      )
    }
    throw err
  }
}
