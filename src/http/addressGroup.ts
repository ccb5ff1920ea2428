import { isIP } from 'node:net'
import { v6Hextets } from '../outbound/addressClass.ts'

/**
 * The address operator-key failures are counted under: an IPv4 address (mapped ones too) as is, an IPv6 address's
 * /64 (one host usually holds the whole prefix); `undefined` for a client without an address.
 *
 * @example
 * addressGroup('2001:db8:1:2::a') // '2001:db8:1:2::/64'
 * addressGroup('::ffff:203.0.113.7') // '203.0.113.7'
 */
export function addressGroup(ip: string | undefined): string | undefined {
  if (ip === undefined || ip === '') return undefined
  const mapped = ip.toLowerCase().startsWith('::ffff:') ? ip.slice(7) : undefined
  if (mapped !== undefined && isIP(mapped) === 4) return mapped
  if (isIP(ip) !== 6) return ip
  const hextets = v6Hextets(ip.split('%')[0]!)
  if (hextets === undefined) return ip
  const prefix = hextets.slice(0, 4).map((h) => h.toString(16))
  return `${prefix.join(':')}::/64`
}
