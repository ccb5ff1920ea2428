import { isIP } from 'node:net'
import { type AddressClass, addressClass } from './addressClass.ts'

/** What an outbound URL may reach. */
export interface OutboundPolicy {
  /**
   * Loopback, private (RFC 1918, fc00::/7), link-local, CGNAT and other non-public targets are allowed (on-premises
   * set-ups). Cloud metadata endpoints stay refused. Default `false`.
   */
  readonly allowPrivate?: boolean
  /** Host names the URL may name (exact, or `*.example.com`); `undefined` = any host. */
  readonly allowedHosts?: readonly string[] | undefined
  /** The option `allowedHosts` comes from, named in refusals. Default `the allowed hosts`. */
  readonly allowedHostsOption?: string
}

/** A URL the guard accepts, with its normalised host (no brackets, no trailing dot, lower case). */
export interface CheckedUrl {
  readonly ok: true
  readonly url: URL
  readonly host: string
}

/** A refusal: what is wrong, in words an operator can act on (never the URL's secrets). */
export interface RefusedUrl {
  readonly ok: false
  readonly reason: string
}

/** Host names of cloud metadata services (GCP, AWS, Azure, Alibaba, OCI). */
const METADATA_HOSTS = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.com',
  'metadata.oraclecloud.com',
])

const CLASS_WORDS: Readonly<Record<AddressClass, string>> = {
  public: 'a public address',
  loopback: 'a loopback address',
  unspecified: 'the unspecified address',
  private: 'a private-network address',
  link_local: 'a link-local address',
  cgnat: 'a carrier-grade NAT address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
  metadata: 'a cloud metadata endpoint',
}

/**
 * Whether an address class may be called under a policy: `public` always, `metadata`, `multicast` and `reserved`
 * never, the rest only with `allowPrivate`.
 *
 * @example
 * classAllowed('loopback', { allowPrivate: true }) // true
 */
export function classAllowed(cls: AddressClass, policy: OutboundPolicy): boolean {
  if (cls === 'public') return true
  if (cls === 'metadata' || cls === 'multicast' || cls === 'reserved') return false
  return policy.allowPrivate === true
}

/**
 * What a refused address is (`'a loopback address'`), or `undefined` when the policy lets it be called.
 *
 * @example
 * refuseAddress('10.0.0.1', {}) // 'a private-network address'
 */
export function refuseAddress(ip: string, policy: OutboundPolicy): string | undefined {
  const cls = addressClass(ip)
  return classAllowed(cls, policy) ? undefined : CLASS_WORDS[cls]
}

/**
 * The checks an outbound URL can pass without DNS: an absolute http(s) URL without credentials (`user:pass@`), a
 * host in the allow-list, not a metadata or `localhost` name, and, when the host is an IP address (in any form the
 * WHATWG URL parser reads: `2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`, `[::ffff:127.0.0.1]` all become
 * 127.0.0.1), an address the policy allows. Names that resolve are checked again, after resolution, by
 * {@link createOutboundGuard}.
 *
 * @example
 * checkOutboundUrl('http://0x7f000001/hook', {}) // { ok: false, reason: 'host "127.0.0.1" is a loopback address' }
 */
export function checkOutboundUrl(raw: string, policy: OutboundPolicy): CheckedUrl | RefusedUrl {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { ok: false, reason: 'not an absolute URL' }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, reason: 'not an http(s) URL' }
  if (url.username !== '' || url.password !== '')
    return { ok: false, reason: 'credentials in the URL (user:pass@) are not allowed' }
  const host = normaliseHost(url.hostname)
  if (host === '') return { ok: false, reason: 'no host' }
  if (policy.allowedHosts !== undefined && !hostAllowed(host, policy.allowedHosts))
    return {
      ok: false,
      reason: `host "${host}" is not in ${policy.allowedHostsOption ?? 'the allowed hosts'}`,
    }
  if (isIP(host) !== 0) {
    const why = refuseAddress(host, policy)
    return why === undefined ? { ok: true, url, host } : { ok: false, reason: `host "${host}" is ${why}` }
  }
  if (METADATA_HOSTS.has(host)) return { ok: false, reason: `host "${host}" is a cloud metadata endpoint` }
  if ((host === 'localhost' || host.endsWith('.localhost')) && policy.allowPrivate !== true)
    return { ok: false, reason: `host "${host}" is a loopback name` }
  return { ok: true, url, host }
}

/** Lower case, without IPv6 brackets and without the trailing dot of a fully-qualified name. */
export function normaliseHost(hostname: string): string {
  const h = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1')
  return h.endsWith('.') ? h.slice(0, -1) : h
}

/**
 * Whether a host matches an allow-list entry: an exact name, or `*.example.com` for any name below it.
 *
 * @example
 * hostAllowed('hooks.slack.com', ['*.slack.com']) // true
 */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = normaliseHost(host)
  return allowed.some((a) => {
    const p = normaliseHost(a)
    return p.startsWith('*.') ? h.endsWith(p.slice(1)) && h.length > p.length - 1 : h === p
  })
}
