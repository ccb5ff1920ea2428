import { BlockList, isIP } from 'node:net'

/**
 * Builds a matcher for IPs and CIDRs, IPv4 and IPv6 (IPv4-mapped IPv6 addresses match their IPv4 form).
 * Returns `undefined` entries as problems so config validation can name them.
 *
 * @example
 * const allowed = createIpMatcher(['10.0.0.0/8', '::1'])
 * allowed.matches('10.1.2.3') // true
 */
export function createIpMatcher(entries: readonly string[]): {
  matches(ip: string | undefined): boolean
  invalid: string[]
} {
  const list = new BlockList()
  const invalid: string[] = []
  for (const entry of entries) {
    const [addr, prefixText] = entry.split('/') as [string, string | undefined]
    const family = isIP(addr)
    if (family === 0) {
      invalid.push(entry)
      continue
    }
    const type = family === 6 ? 'ipv6' : 'ipv4'
    if (prefixText === undefined) {
      list.addAddress(addr, type)
      continue
    }
    const prefix = Number(prefixText)
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
      invalid.push(entry)
      continue
    }
    list.addSubnet(addr, prefix, type)
  }
  return {
    invalid,
    matches(ip) {
      if (ip === undefined || ip === '') return false
      const v4 = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip
      const family = isIP(v4)
      if (family === 0) return false
      return list.check(v4, family === 6 ? 'ipv6' : 'ipv4')
    },
  }
}
