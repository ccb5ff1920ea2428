import { BlockList, isIP } from 'node:net'

/**
 * Builds a matcher for IPs and CIDRs, IPv4 and IPv6 (IPv4-mapped IPv6 addresses match their IPv4 form).
 * Entries it cannot read are listed in `invalid` and match nothing; config validation ({@link ipEntryProblem})
 * refuses them at start-up, so a resolved config never has any.
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
    const parsed = parseIpEntry(entry)
    if (parsed === undefined) {
      invalid.push(entry)
      continue
    }
    if (parsed.prefix === undefined) list.addAddress(parsed.addr, parsed.type)
    else list.addSubnet(parsed.addr, parsed.prefix, parsed.type)
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

/**
 * Why an allow-list / trusted-proxy entry is not an IP address or CIDR, or `undefined` when it is one.
 *
 * @example
 * ipEntryProblem('10.0.0.0/33') // '"10.0.0.0/33" is not an IP address or CIDR (…)'
 */
export function ipEntryProblem(entry: string): string | undefined {
  return parseIpEntry(entry) === undefined
    ? `"${entry.slice(0, 64)}" is not an IP address or CIDR (e.g. 10.0.0.0/8, 192.0.2.7, ::1, fd00::/8)`
    : undefined
}

function parseIpEntry(
  entry: string,
): { addr: string; type: 'ipv4' | 'ipv6'; prefix: number | undefined } | undefined {
  const parts = entry.split('/')
  if (parts.length > 2) return undefined
  const [addr, prefixText] = parts as [string, string | undefined]
  const family = isIP(addr)
  if (family === 0) return undefined
  const type = family === 6 ? 'ipv6' : 'ipv4'
  if (prefixText === undefined) return { addr, type, prefix: undefined }
  if (!/^[0-9]{1,3}$/.test(prefixText)) return undefined
  const prefix = Number(prefixText)
  return prefix > (family === 6 ? 128 : 32) ? undefined : { addr, type, prefix }
}
