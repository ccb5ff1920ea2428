import { readFileSync } from 'node:fs'
import type { ResolvedConfig } from '../config/schema.ts'
import { sloFileError } from '../errors.ts'
import { lazyRequire } from '../util/lazyRequire.ts'
import { buildSloModel } from './buildSloModel.ts'
import type { SloModel } from './sloModel.ts'
import { type SloDocument, sloDocumentSchema } from './sloSpec.ts'

// Loaded when an SLO file is read, not when Lookout is imported (see lazyRequire).
const yaml = lazyRequire<typeof import('yaml')>('yaml')

const cache = new WeakMap<object, SloModel>()

/**
 * The SLO model of a resolved config: `slo.objectives`/`slo.tenants` from code win over the YAML file at
 * `slo.file` (read once, at start-up), which wins over the built-in defaults. Memoised per config object, so
 * the HTTP metrics (bucket boundaries), the SLO area and the rule generator share one model.
 *
 * Throws `LOOKOUT_ERR_SLO_FILE` (unreadable / not YAML / wrong shape) or `LOOKOUT_ERR_SLO_INVALID`.
 *
 * @example
 * const model = loadSloModel(resolveConfig({ slo: { file: './slos.yaml' } }))
 */
export function loadSloModel(config: ResolvedConfig): SloModel {
  const hit = cache.get(config)
  if (hit !== undefined) return hit
  const file = config.slo.file === undefined ? {} : readSloFile(config.slo.file)
  const model = buildSloModel({
    slos: config.slo.objectives ?? file.slos,
    tenants: { ...file.tenants, ...config.slo.tenants },
  })
  cache.set(config, model)
  return model
}

/**
 * Reads and shape-checks an SLO YAML file (`slos:` list and `tenants:` map).
 *
 * @example
 * readSloFile('./slos.yaml') // { slos: [...], tenants: { acme: [...] } }
 */
export function readSloFile(path: string): SloDocument {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw sloFileError(path, (err as NodeJS.ErrnoException).code ?? 'unreadable')
  }
  let raw: unknown
  try {
    raw = yaml().parse(text) ?? {}
  } catch (err) {
    throw sloFileError(path, `not valid YAML (${(err as Error).message.split('\n')[0]})`)
  }
  const parsed = sloDocumentSchema.safeParse(raw)
  if (!parsed.success) {
    const first = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ')
    throw sloFileError(path, first)
  }
  return parsed.data
}
