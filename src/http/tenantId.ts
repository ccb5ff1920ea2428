/**
 * The tenant-id grammar: a letter or digit, then up to 63 letters, digits, `_`, `.` or `-`. Operator key scopes,
 * configured tenants, SLO routes and tenant labels accept exactly these.
 *
 * @example
 * TENANT_ID.test('acme-eu') // true
 */
export const TENANT_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/

/** The grammar in words, for error messages. */
export const TENANT_ID_RULE = 'a letter or digit, then up to 63 letters, digits, "_", "." or "-"'
