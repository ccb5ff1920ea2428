import { NO_TENANT, OTHER_TENANT } from '../metrics/conventions.ts'
import { looksLikePersonalData } from '../redact/looksLikePersonalData.ts'
import { TENANT_ID } from './tenantId.ts'

/** Options of {@link createTenantTrust}. */
export interface TenantTrustOptions {
  /** Tenants named in configuration: trusted from the tenant header alone, never expire, take no slot. */
  readonly configured: Iterable<string>
  /** Slots for tenants the application vouches for (`http.tenantOf`). */
  readonly slots: number
  /** A vouched tenant's slot is free again after this long without a vouched request. */
  readonly idleMs: number
  /** Clock (ms). Default `Date.now`. */
  readonly now?: () => number
}

/** Decides which tenant values may become metric labels and SLO tenants. */
export interface TenantTrust {
  /**
   * The label of a request whose tenant is not yet vouched for (route known, before the handler): the header
   * value if configured or holding a slot, `other` for any other value, `none` without one. Takes no slot.
   */
  provisional(header: string | undefined): string
  /**
   * The final label: the vouched tenant (it takes or refreshes a slot; `other` when every slot is held by a tenant
   * active within `idleMs`), else the header value if configured or holding a slot; `other` for values that fail
   * the grammar or look like personal data; `none` without a value.
   */
  resolve(header: string | undefined, vouched: string | undefined): string
}

/**
 * Creates the tenant trust of one instance. Client-supplied tenant headers alone never take a slot, so random
 * `X-Tenant-Id` values cannot push a real tenant into `other`.
 *
 * @example
 * const trust = createTenantTrust({ configured: ['acme'], slots: 50, idleMs: 900_000 })
 * trust.resolve('acme', undefined) // 'acme'
 * trust.resolve('random-junk', undefined) // 'other'
 * trust.resolve(undefined, 'globex') // 'globex' (vouched by the app)
 */
export function createTenantTrust(options: TenantTrustOptions): TenantTrust {
  const configured = new Set(options.configured)
  const now = options.now ?? Date.now
  const idleMs = options.idleMs
  const slots = options.slots
  // Vouched tenant → last vouched request (ms).
  const active = new Map<string, number>()
  let lastSweep = Number.NEGATIVE_INFINITY

  function holdsSlot(tenant: string): boolean {
    const seen = active.get(tenant)
    return seen !== undefined && now() - seen <= idleMs
  }

  function vouch(tenant: string): boolean {
    if (active.has(tenant)) {
      active.set(tenant, now())
      return true
    }
    if (!TENANT_ID.test(tenant) || looksLikePersonalData(tenant)) return false
    if (active.size >= slots) {
      const t = now()
      // Free idle slots, at most once a second (a sweep walks every slot).
      if (t - lastSweep < 1000) return false
      lastSweep = t
      for (const [name, seen] of active) if (t - seen > idleMs) active.delete(name)
      if (active.size >= slots) return false
    }
    active.set(tenant, now())
    return true
  }

  return {
    provisional(header) {
      if (header === undefined || header === '') return NO_TENANT
      return configured.has(header) || holdsSlot(header) ? header : OTHER_TENANT
    },
    resolve(header, vouched) {
      if (vouched !== undefined && vouched !== '') {
        if (configured.has(vouched)) return vouched
        return vouch(vouched) ? vouched : OTHER_TENANT
      }
      if (header === undefined || header === '') return NO_TENANT
      return configured.has(header) || holdsSlot(header) ? header : OTHER_TENANT
    },
  }
}
