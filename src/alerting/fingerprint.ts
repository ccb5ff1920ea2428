import { createHash } from 'node:crypto'

/**
 * The alert fingerprint: a hash of tenant + alertname + the labels sorted by name (an `alertname` label is
 * ignored, it is the alertname). The same alert from code, the API or Alertmanager gets the same fingerprint.
 *
 * @example
 * alertFingerprint('acme', 'HighErrorRate', { route: '/login', env: 'prod' }) // 32 hex characters
 */
export function alertFingerprint(
  tenant: string,
  alertname: string,
  labels: Readonly<Record<string, string>>,
): string {
  const pairs = Object.keys(labels)
    .filter((k) => k !== 'alertname')
    .sort()
    .map((k) => [k, labels[k]])
  return createHash('sha256')
    .update(JSON.stringify([tenant, alertname, pairs]))
    .digest('hex')
    .slice(0, 32)
}

/**
 * The deterministic dedup key sent to channels (PagerDuty `dedup_key`, Opsgenie `alias`): readable, at most 255
 * characters, unique per fingerprint.
 *
 * @example
 * dedupKey('acme', 'HighErrorRate', 'a1b2…') // 'acme/HighErrorRate/a1b2c3d4e5f60718'
 */
export function dedupKey(tenant: string, alertname: string, fingerprint: string): string {
  return `${tenant.slice(0, 100)}/${alertname.slice(0, 120)}/${fingerprint.slice(0, 16)}`
}
