import { isIPv4, isIPv6 } from 'node:net'

/**
 * What kind of address an IP is, as the outbound guard sees it: `public` may be called; `metadata` (cloud instance
 * metadata services) never; every other class only when the area opts in to private targets.
 */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'unspecified'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'multicast'
  | 'reserved'
  | 'metadata'

/** Cloud metadata endpoints (AWS/GCP/Azure/OCI 169.254.169.254, AWS IPv6 and ECS, Alibaba). */
const METADATA_V4 = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200'])
const METADATA_V6 = new Set(['fd00:ec2:0:0:0:0:0:254'])

// [first address as a 32-bit number, prefix length, class]; first match wins, so narrower ranges come first.
const V4_RANGES: readonly (readonly [number, number, AddressClass])[] = [
  [v4('0.0.0.0'), 32, 'unspecified'],
  [v4('0.0.0.0'), 8, 'reserved'],
  [v4('10.0.0.0'), 8, 'private'],
  [v4('100.64.0.0'), 10, 'cgnat'],
  [v4('127.0.0.0'), 8, 'loopback'],
  [v4('169.254.0.0'), 16, 'link_local'],
  [v4('172.16.0.0'), 12, 'private'],
  [v4('192.0.0.0'), 24, 'reserved'],
  [v4('192.168.0.0'), 16, 'private'],
  [v4('198.18.0.0'), 15, 'reserved'],
  [v4('224.0.0.0'), 4, 'multicast'],
  [v4('240.0.0.0'), 4, 'reserved'],
]

/**
 * Classifies an IPv4 or IPv6 address (dotted / colon form, no brackets). IPv6 forms that carry an IPv4 address
 * (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are classified by the
 * IPv4 address inside. Anything that is not an IP address is `reserved` (never called).
 *
 * @example
 * addressClass('127.0.0.1') // 'loopback'
 * addressClass('::ffff:7f00:1') // 'loopback'
 * addressClass('93.184.215.14') // 'public'
 */
export function addressClass(ip: string): AddressClass {
  if (isIPv4(ip)) return v4Class(v4(ip), ip)
  if (isIPv6(ip)) return v6Class(ip)
  return 'reserved'
}

function v4Class(n: number, text: string): AddressClass {
  if (METADATA_V4.has(text)) return 'metadata'
  for (const [base, bits, cls] of V4_RANGES) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
    if ((n & mask) >>> 0 === base) return cls
  }
  return 'public'
}

function v6Class(ip: string): AddressClass {
  const h = v6Hextets(ip.split('%')[0]!)
  if (h === undefined) return 'reserved'
  if (METADATA_V6.has(h.map((x) => x.toString(16)).join(':'))) return 'metadata'
  const zeroTo = (n: number) => h.slice(0, n).every((x) => x === 0)
  const embedded = (hi: number, lo: number) => {
    const n = ((hi << 16) | lo) >>> 0
    return v4Class(n, [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'))
  }
  if (zeroTo(8)) return 'unspecified'
  if (zeroTo(7) && h[7] === 1) return 'loopback'
  // IPv4-mapped ::ffff:0:0/96 and the deprecated IPv4-compatible ::/96
  if (zeroTo(5) && (h[5] === 0xffff || h[5] === 0)) return embedded(h[6]!, h[7]!)
  // NAT64 well-known prefix 64:ff9b::/96
  if (h[0] === 0x64 && h[1] === 0xff9b && h.slice(2, 6).every((x) => x === 0)) return embedded(h[6]!, h[7]!)
  // 6to4 2002:AABB:CCDD::/48
  if (h[0] === 0x2002) return embedded(h[1]!, h[2]!)
  if ((h[0]! & 0xfe00) === 0xfc00) return 'private'
  if ((h[0]! & 0xffc0) === 0xfe80) return 'link_local'
  if ((h[0]! & 0xffc0) === 0xfec0) return 'private'
  if ((h[0]! & 0xff00) === 0xff00) return 'multicast'
  // discard-only 100::/64 and documentation 2001:db8::/32
  if (h[0] === 0x100 && zeroTo(4)) return 'reserved'
  if (h[0] === 0x2001 && h[1] === 0xdb8) return 'reserved'
  return 'public'
}

function v4(text: string): number {
  const p = text.split('.').map(Number)
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0
}

/** Eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted IPv4 converted; no zone id). */
export function v6Hextets(ip: string): number[] | undefined {
  let text = ip.toLowerCase()
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted !== null) {
    const n = v4(dotted[1]!)
    text = `${text.slice(0, dotted.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`
  }
  const [head, tail, ...rest] = text.split('::')
  if (rest.length > 0) return undefined
  const parse = (s: string | undefined) => (s ? s.split(':').map((x) => Number.parseInt(x, 16)) : [])
  const a = parse(head)
  const b = parse(tail)
  const fill = tail === undefined ? 0 : 8 - a.length - b.length
  const out = [...a, ...new Array<number>(Math.max(0, fill)).fill(0), ...b]
  return out.length === 8 && out.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffff) ? out : undefined
}
