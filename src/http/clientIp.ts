import type { IncomingHttpHeaders } from 'node:http'

/**
 * The client IP: the socket peer, unless the peer is a trusted proxy, in which case `X-Forwarded-For` is read
 * right to left and the first address that is not a trusted proxy is the client.
 *
 * @example
 * resolveClientIp('10.0.0.5', { 'x-forwarded-for': '203.0.113.9, 10.0.0.7' }, (ip) => ip.startsWith('10.'))
 * // '203.0.113.9'
 */
export function resolveClientIp(
  remoteAddress: string | undefined,
  headers: IncomingHttpHeaders,
  isTrusted: (ip: string) => boolean,
): string | undefined {
  if (remoteAddress === undefined || !isTrusted(remoteAddress)) return remoteAddress
  const header = headers['x-forwarded-for']
  const value = Array.isArray(header) ? header.join(',') : header
  if (!value) return remoteAddress
  const hops = value.split(',')
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!.trim()
    if (hop === '') continue
    if (!isTrusted(hop)) return hop
  }
  return hops[0]?.trim() || remoteAddress
}
