import { TENANT_ID } from '../http/tenantId.ts'
import { looksLikePersonalData } from '../redact/looksLikePersonalData.ts'
import { NO_TENANT, OTHER_TENANT } from './conventions.ts'

/**
 * Admits tenant ids as label values up to a fixed count; later tenants are reported as `other`, missing ones
 * as `none`, and malformed ones (too long, odd characters) or ones that look like personal data (card, phone,
 * IBAN, email) as `other` too, so a header scan cannot mint series.
 *
 * @example
 * const admit = createTenantAdmission(2)
 * admit('acme') // 'acme'
 * admit('globex') // 'globex'
 * admit('initech') // 'other'
 */
export function createTenantAdmission(maxTenants: number): (tenant: string | undefined) => string {
  const admitted = new Set<string>()
  return function admitTenant(tenant) {
    if (tenant === undefined || tenant === '') return NO_TENANT
    if (admitted.has(tenant)) return tenant
    if (admitted.size >= maxTenants || !TENANT_ID.test(tenant) || looksLikePersonalData(tenant))
      return OTHER_TENANT
    admitted.add(tenant)
    return tenant
  }
}
