import { z } from 'zod'
import type { EnvBinding } from './envBinding.ts'
import { alertingEnv, alertingSchema } from './sections/alerting.ts'
import { consoleEnv, consoleSchema } from './sections/console.ts'
import { frontendEnv, frontendSchema } from './sections/frontend.ts'
import { healthEnv, healthSchema } from './sections/health.ts'
import { httpEnv, httpSchema } from './sections/http.ts'
import { loggingEnv, loggingSchema } from './sections/logging.ts'
import { metricsEnv, metricsSchema } from './sections/metrics.ts'
import { operatorEnv, operatorSchema } from './sections/operator.ts'
import { profilingEnv, profilingSchema } from './sections/profiling.ts'
import { redactEnv, redactSchema } from './sections/redact.ts'
import { serviceEnv, serviceFields } from './sections/service.ts'
import { sloEnv, sloSchema } from './sections/slo.ts'
import { statusEnv, statusSchema } from './sections/status.ts'
import { storeEnv, storeSchema } from './sections/store.ts'
import { tracingEnv, tracingSchema } from './sections/tracing.ts'

/**
 * The one schema for Lookout's options. Each area owns a section file under `sections/`; this module only
 * composes them. Unknown keys are rejected (a typo is an error, not a silent default).
 */
export const lookoutSchema = z
  .object({
    ...serviceFields,
    http: httpSchema,
    metrics: metricsSchema,
    operator: operatorSchema,
    profiling: profilingSchema,
    redact: redactSchema,
    logging: loggingSchema,
    slo: sloSchema,
    tracing: tracingSchema,
    frontend: frontendSchema,
    store: storeSchema,
    alerting: alertingSchema,
    health: healthSchema,
    status: statusSchema,
    console: consoleSchema,
  })
  .strict()

/** Every environment binding, in precedence order within a path (first set wins). */
export const envBindings: readonly EnvBinding[] = [
  ...serviceEnv,
  ...httpEnv,
  ...metricsEnv,
  ...operatorEnv,
  ...redactEnv,
  ...loggingEnv,
  ...sloEnv,
  ...tracingEnv,
  ...frontendEnv,
  ...storeEnv,
  ...alertingEnv,
  ...healthEnv,
  ...profilingEnv,
  ...statusEnv,
  ...consoleEnv,
]

/** Options accepted by `createLookout()` and the framework adapters (every field optional). */
export type LookoutOptions = z.input<typeof lookoutSchema>

type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer U)[]
    ? readonly DeepReadonly<U>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T

/** The resolved configuration: every field present, deep-frozen. */
export type ResolvedConfig = DeepReadonly<z.output<typeof lookoutSchema> & { instance: string }>
