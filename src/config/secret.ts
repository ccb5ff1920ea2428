import type { ZodTypeAny } from 'zod'

/** The description that marks a schema node as secret (masked by {@link maskConfig}). */
export const SECRET_MARK = 'lookout:secret'

/**
 * Marks a schema node as secret: its value is masked wherever the resolved config is shown.
 *
 * @example
 * const metricsSchema = z.object({ token: secret(z.string().min(16)).optional() })
 */
export function secret<T extends ZodTypeAny>(schema: T): T {
  return schema.describe(SECRET_MARK) as T
}
