import { isAbsolute, resolve as resolvePath } from 'node:path'
import { resolveConfig } from '../config/resolveConfig.ts'
import type { LookoutOptions, ResolvedConfig } from '../config/schema.ts'
import { LookoutError } from '../errors.ts'
import { HTTP_METRIC_NAMES, type HttpMetricNames } from '../metrics/conventions.ts'
import { effectiveBuckets } from '../slo/effectiveBuckets.ts'
import { loadSloModel } from '../slo/loadSloModel.ts'
import type { SloModel } from '../slo/sloModel.ts'
import {
  type GenerateSettings,
  type GenerateSettingsInput,
  generateSettingsSchema,
} from './generateSettings.ts'

/**
 * A project's `lookout.config.ts|js|json|yaml`: the options the service passes to Lookout, and the settings of
 * the generated stack.
 *
 * @example
 * export default defineConfig({
 *   lookout: { service: 'identity', metrics: { tenantLabel: true } },
 *   generate: { app: { targets: ['identity:8000'] } },
 * })
 */
export interface LookoutProjectConfig {
  /** The same options the service gives `createLookout()` / the Fastify plugin. */
  readonly lookout?: LookoutOptions
  /** Where the stack runs and the service-alert thresholds (every field has a default). */
  readonly generate?: GenerateSettingsInput
}

/**
 * Identity helper that types a project config.
 *
 * @example
 * export default defineConfig({ lookout: { service: 'identity' } })
 */
export function defineConfig(config: LookoutProjectConfig): LookoutProjectConfig {
  return config
}

/** One problem found in a project config: a dotted path and what is accepted. */
export interface ConfigIssue {
  readonly path: string
  readonly message: string
}

/** The validated model every generator reads (pure data; no I/O after it is built). */
export interface GenerateModel {
  /** Lookout's resolved config (built from the project's `lookout` options only — never the environment). */
  readonly config: ResolvedConfig
  readonly settings: GenerateSettings
  /** Validated SLOs (defaults and tenant overrides). */
  readonly slos: SloModel
  /** Prometheus job of the service (also a matcher on every generated selector). */
  readonly job: string
  /** HTTP metric names under the configured conventions. */
  readonly names: HttpMetricNames
  /** Boundaries of the HTTP duration histogram (SLO thresholds included). */
  readonly buckets: readonly number[]
  /** Things that are not errors but will surprise (e.g. tenant overrides without `metrics.tenantLabel`). */
  readonly warnings: readonly string[]
}

/** Result of {@link buildGenerateModel}. */
export type BuildModelResult =
  | { readonly ok: true; readonly model: GenerateModel }
  | { readonly ok: false; readonly problems: readonly ConfigIssue[] }

const TOP_LEVEL = new Set(['lookout', 'generate'])

/**
 * Validates a project config into a {@link GenerateModel}, collecting every problem (config schema, generate
 * settings, SLO declarations, latency thresholds vs. buckets) with its path. The environment is never read, so
 * the same file always generates the same output. A relative `lookout.slo.file` is read relative to `baseDir`.
 *
 * @example
 * const r = buildGenerateModel({ lookout: { service: 'identity' } })
 * if (r.ok) writeAll(generateAll(r.model))
 */
export function buildGenerateModel(project: unknown, options: { baseDir?: string } = {}): BuildModelResult {
  const problems: ConfigIssue[] = []
  if (project === null || typeof project !== 'object' || Array.isArray(project)) {
    return { ok: false, problems: [{ path: '(root)', message: 'an object with `lookout` and `generate`' }] }
  }
  for (const key of Object.keys(project)) {
    if (!TOP_LEVEL.has(key))
      problems.push({ path: key, message: 'unknown key (expected `lookout`, `generate`)' })
  }
  const raw = project as { lookout?: unknown; generate?: unknown }

  let lookoutOptions = (raw.lookout ?? {}) as LookoutOptions
  if (typeof lookoutOptions !== 'object' || lookoutOptions === null || Array.isArray(lookoutOptions)) {
    problems.push({ path: 'lookout', message: 'an object of Lookout options' })
    lookoutOptions = {}
  }
  const sloFile = lookoutOptions.slo?.file
  if (sloFile !== undefined && options.baseDir !== undefined && !isAbsolute(sloFile)) {
    lookoutOptions = {
      ...lookoutOptions,
      slo: { ...lookoutOptions.slo, file: resolvePath(options.baseDir, sloFile) },
    }
  }

  let config: ResolvedConfig | undefined
  try {
    config = resolveConfig(lookoutOptions, {})
  } catch (err) {
    problems.push(...lookoutProblems(err, 'lookout'))
  }

  const parsed = generateSettingsSchema.safeParse(raw.generate)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      let message = issue.message
      if (issue.code === 'unrecognized_keys')
        message = `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      problems.push({ path: ['generate', ...issue.path].join('.'), message })
    }
  }

  let slos: SloModel | undefined
  let buckets: readonly number[] | undefined
  if (config !== undefined) {
    try {
      slos = loadSloModel(config)
      buckets = effectiveBuckets(config)
    } catch (err) {
      problems.push(...lookoutProblems(err, 'lookout.slo'))
    }
  }
  if (
    problems.length > 0 ||
    config === undefined ||
    slos === undefined ||
    buckets === undefined ||
    !parsed.success
  ) {
    return { ok: false, problems }
  }
  const settings = parsed.data
  const warnings: string[] = []
  if (!config.metrics.tenantLabel && Object.keys(slos.tenants).length > 0) {
    warnings.push(
      'SLO tenant overrides need lookout.metrics.tenantLabel; the generated rules use the defaults',
    )
  }
  if (!config.metrics.enabled)
    warnings.push('lookout.metrics.enabled is false: every generated query will be empty')
  return {
    ok: true,
    model: Object.freeze({
      config,
      settings,
      slos,
      job: settings.job ?? config.service,
      names: HTTP_METRIC_NAMES[config.metrics.conventions],
      buckets,
      warnings: Object.freeze(warnings),
    }),
  }
}

/** Turns Lookout's coded errors into path + message problems. */
function lookoutProblems(err: unknown, prefix: string): ConfigIssue[] {
  if (!(err instanceof LookoutError))
    return [{ path: prefix, message: String((err as Error)?.message ?? err) }]
  const details = err.details as { problems?: readonly Record<string, string | undefined>[] } | undefined
  if (err.code === 'LOOKOUT_ERR_CONFIG_INVALID' && details?.problems !== undefined) {
    return details.problems.map((p) => ({
      path: p.path === '(root)' ? prefix : `${prefix}.${p.path}`,
      message: p.message ?? 'invalid',
    }))
  }
  if (err.code === 'LOOKOUT_ERR_SLO_INVALID' && details?.problems !== undefined) {
    return details.problems.map((p) => ({
      path: `${prefix}.${p.scope === 'defaults' ? 'objectives' : `tenants.${p.scope}`}[${p.slo}].${p.field}`,
      message: p.message ?? 'invalid',
    }))
  }
  const path =
    err.code === 'LOOKOUT_ERR_SLO_FILE'
      ? `${prefix}.file`
      : err.code === 'LOOKOUT_ERR_SLO_BUCKET'
        ? 'lookout.metrics.buckets'
        : prefix
  return [{ path, message: err.message }]
}
