import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP, type LookupFunction } from 'node:net'
import type { buildConnector, Dispatcher } from 'undici'
import { outboundRefusedError } from '../errors.ts'
import { lazyRequire } from '../util/lazyRequire.ts'
import {
  type CheckedUrl,
  checkOutboundUrl,
  normaliseHost,
  type OutboundPolicy,
  type RefusedUrl,
  refuseAddress,
} from './checkOutboundUrl.ts'

// Loaded on the first outbound call, not when Lookout is imported (see lazyRequire).
const undici = lazyRequire<typeof import('undici')>('undici')

/** Resolves a host name to every address it has (the shape of `dns.promises.lookup(host, { all: true })`). */
export type OutboundLookup = (
  hostname: string,
) => Promise<readonly { readonly address: string; readonly family: number }[]>

/** Options of {@link createOutboundGuard}. */
export interface OutboundGuardOptions extends OutboundPolicy {
  /** Name resolution (tests inject one). Default `dns.promises.lookup(host, { all: true })`. */
  readonly lookup?: OutboundLookup
  /** TCP + TLS connect timeout, ms. Default 10 000. */
  readonly connectTimeoutMs?: number
}

/** How long {@link OutboundGuard.vet} waits for a name to resolve before letting it pass to the connect-time check. */
const VET_RESOLVE_MS = 3000

const OUTBOUND_REFUSED = 'LOOKOUT_ERR_OUTBOUND_REFUSED'

/** Guards outbound calls to URLs that configuration or operators set. */
export interface OutboundGuard {
  /**
   * The checks that need no DNS (see {@link checkOutboundUrl}); `allowedHosts`, when given, replaces the guard's
   * own list for this call. Call it before every request, so a list tightened after a URL was saved applies.
   */
  check(url: string, allowedHosts?: readonly string[]): CheckedUrl | RefusedUrl
  /**
   * {@link OutboundGuard.check}, then the name resolved and every address checked: for a 4xx when a URL is saved.
   * A name that does not resolve (or not within 3 s) passes; connections check it again anyway.
   */
  vet(url: string, allowedHosts?: readonly string[]): Promise<CheckedUrl | RefusedUrl>
  /**
   * An undici dispatcher whose connections go only to vetted addresses: a name is resolved once per connection,
   * every address it resolves to is checked, and the socket connects to exactly those addresses (no second
   * lookup a rebinding DNS server could answer differently); an IP host is checked before connecting. TLS still
   * verifies the certificate against the name. Redirects are never followed.
   */
  readonly dispatcher: Dispatcher
  /**
   * The dispatcher's connector, for an undici `Agent` with settings of its own
   * (`new Agent({ connect: guard.connect, connections: 64 })`): the same checks on every connection.
   */
  readonly connect: buildConnector.connector
  /** Closes the dispatcher's connections. Idempotent. */
  close(): Promise<void>
}

/**
 * Creates the guard for one area's outbound calls: it refuses loopback, unspecified, private (RFC 1918,
 * fc00::/7), link-local, CGNAT, multicast and reserved targets, and the IPv6 forms carrying them, unless the area
 * opts in with `allowPrivate`; cloud metadata endpoints are refused either way.
 *
 * @example
 * const guard = createOutboundGuard({ allowPrivate: config.alerting.allowPrivateTargets })
 * const checked = guard.check(url)
 * if (checked.ok) await undici.request(checked.url, { dispatcher: guard.dispatcher, ... })
 */
export function createOutboundGuard(options: OutboundGuardOptions = {}): OutboundGuard {
  const policy: OutboundPolicy = {
    allowPrivate: options.allowPrivate === true,
    allowedHosts: options.allowedHosts,
    allowedHostsOption: options.allowedHostsOption,
  }
  const resolve: OutboundLookup = options.lookup ?? ((host) => dnsLookup(host, { all: true, verbatim: true }))

  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    const family =
      lookupOptions.family === 'IPv4' ? 4 : lookupOptions.family === 'IPv6' ? 6 : lookupOptions.family
    const all = lookupOptions.all === true
    resolve(hostname).then(
      (found) => {
        const addresses = found.filter((a) => !family || a.family === family)
        if (addresses.length === 0) {
          callback(Object.assign(new Error(`no address for "${hostname}"`), { code: 'ENOTFOUND' }), '', 4)
          return
        }
        // Every address is checked: a name with one public and one internal address is refused as a whole.
        for (const a of addresses) {
          const why = refuseAddress(a.address, policy)
          if (why !== undefined) {
            callback(
              outboundRefusedError(`host "${normaliseHost(hostname)}" resolves to ${a.address}, ${why}`),
              '',
              4,
            )
            return
          }
        }
        if (all) (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses)
        else callback(null, addresses[0]!.address, addresses[0]!.family)
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, '', 4),
    )
  }

  let connector: buildConnector.connector | undefined
  const connect: buildConnector.connector = (opts, callback) => {
    const host = normaliseHost(opts.hostname)
    const why = isIP(host) === 0 ? undefined : refuseAddress(host, policy)
    if (why !== undefined) {
      callback(outboundRefusedError(`host "${host}" is ${why}`), null)
      return
    }
    connector ??= undici().buildConnector({ timeout: options.connectTimeoutMs ?? 10_000, lookup })
    connector(opts, callback)
  }

  let agent: Dispatcher | undefined
  const dispatcher = (): Dispatcher => {
    agent ??= new (undici().Agent)({ connect })
    return agent
  }

  const check = (url: string, allowedHosts?: readonly string[]) =>
    checkOutboundUrl(
      url,
      allowedHosts === undefined
        ? policy
        : { ...policy, allowedHosts, allowedHostsOption: options.allowedHostsOption },
    )

  return {
    check,
    async vet(url, allowedHosts) {
      const checked = check(url, allowedHosts)
      if (!checked.ok || isIP(checked.host) !== 0) return checked
      let found: Awaited<ReturnType<OutboundLookup>> | undefined
      let timer: NodeJS.Timeout | undefined
      try {
        // A slow resolver does not hold up a save: unresolved names are checked again on every connection.
        found = await Promise.race([
          resolve(checked.host),
          new Promise<undefined>((r) => {
            timer = setTimeout(() => r(undefined), VET_RESOLVE_MS)
            timer.unref()
          }),
        ])
      } catch {
        return checked
      } finally {
        clearTimeout(timer)
      }
      if (found === undefined) return checked
      for (const a of found) {
        const why = refuseAddress(a.address, policy)
        if (why !== undefined)
          return { ok: false, reason: `host "${checked.host}" resolves to ${a.address}, ${why}` }
      }
      return checked
    },
    get dispatcher() {
      return dispatcher()
    },
    connect,
    async close() {
      const a = agent
      agent = undefined
      await a?.close()
    },
  }
}

/**
 * The refusal message carried by an error of the guard (on the error or one of its causes), or `undefined` for
 * any other error.
 *
 * @example
 * catch (err) { const refusal = outboundRefusalMessage(err); if (refusal !== undefined) ... }
 */
export function outboundRefusalMessage(err: unknown): string | undefined {
  let e: unknown = err
  for (let depth = 0; depth < 5 && e !== null && typeof e === 'object'; depth++) {
    if ((e as { code?: unknown }).code === OUTBOUND_REFUSED) return (e as Error).message
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}
