import type { ResolvedConfig } from '../config/schema.ts'

/**
 * Whether the ops store opens: `store.enabled` when set, else when an area that keeps state is on (alerting, the
 * status page) or a store location (`store.path` / `store.url`) is configured.
 *
 * @example
 * storeWanted(resolveConfig({ status: { enabled: true } }, {})) // true
 */
export function storeWanted(config: ResolvedConfig): boolean {
  const s = config.store
  if (s.enabled !== undefined) return s.enabled
  return config.alerting.enabled || config.status.enabled || s.path !== undefined || s.url !== undefined
}
