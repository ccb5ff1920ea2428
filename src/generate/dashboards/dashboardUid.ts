import { createHash } from 'node:crypto'

/**
 * A stable Grafana uid (≤ 40 characters of `[a-z0-9-]`) for a service's dashboard: `lk-<service>-<kind>`,
 * shortened with a hash suffix when too long, so the same inputs always give the same uid.
 *
 * @example
 * dashboardUid('identity-service', 'api') // 'lk-identity-service-api'
 */
export function dashboardUid(service: string, kind: string): string {
  const clean = `lk-${service}-${kind}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-')
  if (clean.length <= 40) return clean
  const hash = createHash('sha256').update(clean).digest('hex').slice(0, 8)
  return `${clean.slice(0, 31)}-${hash}`
}
