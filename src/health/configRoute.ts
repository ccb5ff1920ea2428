import { createRequire } from 'node:module'
import { maskConfig } from '../config/maskConfig.ts'
import type { ResolvedConfig } from '../config/schema.ts'
import { json } from '../http/opsResponses.ts'
import type { OpsRoute } from '../http/opsRoute.ts'
import { CONFIG_ROUTE_PATH } from './conventions.ts'
import { stripCredentials, urlHost } from './stripCredentials.ts'

/** One external endpoint Lookout talks to: where it is configured and its host (never credentials or paths). */
export interface DependencyEndpoint {
  /** Option path (`store.url`) or `health.checks.<name>`. */
  readonly source: string
  readonly scheme: string
  readonly host: string
}

/** What {@link createConfigRoute} needs. */
export interface ConfigRouteSource {
  readonly config: ResolvedConfig
  /** Endpoints of the registered health checks, by check name. */
  checkEndpoints(): readonly { readonly name: string; readonly endpoint: string | undefined }[]
  /** The mounted ops routes (method, path, auth, scope). */
  routes(): readonly {
    readonly method: string
    readonly path: string
    readonly auth: string
    readonly scope: string
  }[]
}

let lookoutVersion: string | undefined

/** Lookout's own package version (read once; `unknown` when the package file cannot be read). */
export function packageVersion(): string {
  if (lookoutVersion === undefined) {
    try {
      lookoutVersion = String(createRequire(import.meta.url)('../../package.json').version)
    } catch {
      lookoutVersion = 'unknown'
    }
  }
  return lookoutVersion
}

/**
 * `GET /observability/config` (operator key required): the resolved configuration with every secret masked and
 * every URL stripped of credentials, plus versions, enabled features, the dependency endpoints (hosts only) and
 * the mounted ops routes. For checking what a deploy actually runs with.
 *
 * @example
 * lookout.addRoute(createConfigRoute({ config, checkEndpoints: () => [], routes: () => [] }))
 */
export function createConfigRoute(source: ConfigRouteSource): OpsRoute {
  const { config } = source
  return {
    method: 'GET',
    path: CONFIG_ROUTE_PATH,
    scope: { kind: 'global' },
    description: 'resolved configuration (secrets masked), versions, features, dependency hosts',
    handler: function observabilityConfig() {
      const dependencies: DependencyEndpoint[] = []
      collectUrls(config, '', dependencies, new WeakSet())
      for (const { name, endpoint } of source.checkEndpoints()) {
        if (endpoint !== undefined)
          dependencies.push({ source: `health.checks.${name}`, scheme: 'check', host: endpoint })
      }
      return json(200, {
        service: config.service,
        version: config.version,
        environment: config.environment,
        instance: config.instance,
        lookout: { version: packageVersion(), node: process.version },
        features: features(config),
        dependencies,
        routes: source.routes(),
        config: scrub(maskConfig(config)),
      })
    },
  }
}

/** `{ section: enabled }` for every config section that has an `enabled` switch. */
function features(config: ResolvedConfig): Record<string, boolean> {
  const out: Record<string, boolean> = {}
  for (const [key, value] of Object.entries(config)) {
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof (value as { enabled?: unknown }).enabled === 'boolean'
    ) {
      out[key] = (value as { enabled: boolean }).enabled
    }
  }
  return out
}

function collectUrls(value: unknown, path: string, out: DependencyEndpoint[], seen: WeakSet<object>): void {
  if (typeof value === 'string') {
    if (!value.includes('://')) return
    const host = urlHost(value)
    if (host !== undefined) out.push({ source: path, scheme: value.slice(0, value.indexOf(':')), host })
    return
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return
  seen.add(value)
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return
  for (const [key, child] of Object.entries(value))
    collectUrls(child, path ? `${path}.${key}` : key, out, seen)
}

/** Masking hides secret-marked values; this also strips credentials from any URL left in the output. */
function scrub(value: unknown): unknown {
  if (typeof value === 'string') return stripCredentials(value)
  if (Array.isArray(value)) return value.map(scrub)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = scrub(v)
    return out
  }
  return value
}
