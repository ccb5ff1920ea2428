import type { IncomingHttpHeaders } from 'node:http'
import { performance } from 'node:perf_hooks'
import type { ResolvedConfig } from '../config/schema.ts'
import type { HttpMetrics, RouteSeries } from '../metrics/httpMetrics.ts'
import { createIpMatcher } from './cidr.ts'
import { resolveClientIp } from './clientIp.ts'
import { connectionOf } from './connectionState.ts'
import { LifecycleRequest } from './lifecycleRequest.ts'
import { normalizeMethod } from './methods.ts'
import { resolveRequestId } from './requestId.ts'
import type { RequestObserver } from './requestObserver.ts'
import { createRouteExclusion } from './routeExclusion.ts'
import { createTenantTrust } from './tenantTrust.ts'

/** What an adapter knows when a request starts. */
export interface StartInput {
  readonly method: string | undefined
  readonly url: string | undefined
  readonly headers: IncomingHttpHeaders
  /** Socket peer address, when the caller has it as a value (tests, custom adapters). */
  readonly remoteAddress?: string | undefined
  /**
   * The request's socket, which adapters pass instead of `remoteAddress`: the address is read once per connection
   * and kept on the socket ({@link peerAddressOf}).
   */
  readonly socket?: object | null | undefined
  /** Route template, when the framework knows it already (Fastify does). */
  readonly route?: string | undefined
}

/**
 * The framework-neutral request lifecycle: start → route known → finish, with
 * metrics, logs and spans sharing one pass and one route value. Adapters map their hooks onto these calls and
 * nothing else.
 */
export interface LifecycleCore {
  /** Begins a request: request id, tenant, exclusion, in-flight, observers' `onStart`. */
  start(input: StartInput): LifecycleRequest
  /**
   * {@link LifecycleCore.start} with its input as arguments, for adapters (no input object per request).
   * `socket` is the request's socket, whose peer address is read once per connection.
   */
  startWith(
    method: string | undefined,
    url: string | undefined,
    headers: IncomingHttpHeaders,
    socket: object | null | undefined,
    route: string | undefined,
  ): LifecycleRequest
  /**
   * The telemetry binding of a matched route for requests whose method is `rawMethod`, to keep with the route and
   * pass to {@link LifecycleCore.startBound}.
   */
  routeBinding(rawMethod: string, route: string): RouteBinding
  /**
   * {@link LifecycleCore.startWith} for a request of a route whose binding the adapter kept
   * ({@link LifecycleCore.routeBinding}); `binding.rawMethod` must be the request's method.
   */
  startBound(
    url: string | undefined,
    headers: IncomingHttpHeaders,
    socket: object | null | undefined,
    binding: RouteBinding,
  ): LifecycleRequest
  /**
   * The response header that carries the request id (`http.requestIdHeader`, lower-case): adapters set it to
   * `req.requestId` on every response, then the pairs in `req.responseHeaders`.
   */
  readonly requestIdHeader: string
  /** Sets the route template once known (`undefined` → the unmatched constant). */
  setRoute(req: LifecycleRequest, route: string | undefined): void
  /** Runs `next` inside every observer's context (ALS, OTel). */
  run(req: LifecycleRequest, next: () => void): void
  /**
   * Whether any observer wraps the rest of the request (so `run` does more than call `next`). Adapters read it
   * when they mount: add wrapping observers when the instance is created, before an adapter is mounted.
   */
  readonly wraps: boolean
  /** Records the error a handler threw (status is decided by the framework). */
  setError(req: LifecycleRequest, error: unknown): void
  /** Ends a request: metrics, then observers' `onFinish`. Idempotent; never throws. */
  finish(req: LifecycleRequest, status: number, responseBytes: number, aborted?: boolean): void
  /** Adds an observer (configuration time only). */
  addObserver(observer: RequestObserver): void
  /** The client IP of a request, honouring `http.trustProxy`. */
  clientIp(req: LifecycleRequest): string | undefined
  /** Requests currently in flight (all routes, excluded ones too) — the shutdown drain waits on this. */
  readonly inFlight: number
  /** Resolves when in-flight reaches 0 (immediately if it is 0). */
  idle(): Promise<void>
  /**
   * Sets the admission gate (load shedding; configuration time, one gate). The gate is consulted only for
   * requests that are not excluded (probes, /metrics always pass) and must be O(1).
   */
  setAdmission(gate: AdmissionGate): void
  /**
   * Called by adapters right after `start`: a rejection to send *instead of* running the request (the adapter
   * still lets `finish` run, so the 503 is measured), or `undefined` to proceed.
   */
  admit(req: LifecycleRequest): AdmissionRejection | undefined
}

/**
 * What Lookout decides about a matched route once, for adapters that can keep it with the route (Fastify's route
 * context): whether it is excluded and — when the series do not depend on the request (no tenant label) — its
 * metric series. {@link LifecycleCore.startBound} then starts a request with no look-up by route.
 */
export interface RouteBinding {
  /** The method string the binding was made for: it applies to requests whose method is this same string. */
  readonly rawMethod: string
  /** The route template. */
  readonly route: string
  /** The route is excluded from telemetry (probes, /metrics). */
  readonly excluded: boolean
  /** The route's series; `undefined` when excluded, metrics are off, or a tenant label makes them per request. */
  readonly series: RouteSeries | undefined
}

/** A response an adapter sends instead of running the request (e.g. 503 + `Retry-After` while shedding load). */
export interface AdmissionRejection {
  readonly status: number
  /** Header name/value pairs. */
  readonly headers: readonly (readonly [string, string])[]
  /** Serialized body (already JSON). */
  readonly body: string
}

/** Decides whether a (non-excluded) request is admitted; reads precomputed state only. */
export type AdmissionGate = (req: LifecycleRequest) => AdmissionRejection | undefined

/**
 * The peer address of a socket, read once per connection and kept with the connection's state
 * ({@link connectionOf}).
 *
 * @example
 * peerAddressOf(request.socket) // '127.0.0.1'
 */
export function peerAddressOf(socket: object | null | undefined): string | undefined {
  return socket == null ? undefined : connectionOf(socket).peerAddress
}

/** Options of {@link createLifecycleCore}. */
export interface LifecycleCoreOptions {
  readonly config: ResolvedConfig
  /** HTTP metrics; absent when metrics are disabled. */
  readonly metrics: HttpMetrics | undefined
}

/** Default telemetry exclusions: the metrics path and the health probes. */
export function defaultExcludedRoutes(config: ResolvedConfig): string[] {
  const probes = config.health.enabled ? Object.values(config.health.paths).flat() : []
  const prefix = config.http.routePrefix
  const ops = [config.metrics.path, '/health*', '/healthz', '/readyz', '/livez', ...probes]
  return [...ops.map((path) => `${prefix}${path}`), '/favicon.ico']
}

/**
 * Creates the lifecycle core of one Lookout instance.
 *
 * @example
 * const core = createLifecycleCore({ config, metrics })
 * const req = core.start({ method: 'GET', url: '/users/7', headers, remoteAddress, route: '/users/:id' })
 * core.run(req, () => handler())
 * core.finish(req, 200, 123)
 */
export function createLifecycleCore(options: LifecycleCoreOptions): LifecycleCore {
  const { config, metrics } = options
  const idHeader = config.http.requestIdHeader
  const tenantHeader = config.http.tenantHeader
  const unmatched = config.http.unmatchedRoute
  const isExcluded = createRouteExclusion(config.http.excludeRoutes ?? defaultExcludedRoutes(config))
  // Tenants become labels only when configured or vouched for by the app (http.tenantOf, asked at finish, after
  // the app's authentication); header values alone never take a slot.
  const tenantOf = config.http.tenantOf
  const trust = createTenantTrust({
    configured: [
      ...config.http.tenants,
      ...config.operator.keys.flatMap((k) => (k.tenant === undefined ? [] : [k.tenant])),
      ...Object.keys(config.slo.tenants ?? {}),
    ],
    slots: config.metrics.cardinality.maxTenants,
    idleMs: config.http.tenantIdleSeconds * 1000,
  })
  const admitTenant = config.metrics.tenantLabel ? trust.provisional : undefined
  const exemplars = config.metrics.exemplars
  const trusted = createIpMatcher(config.http.trustProxy)
  const isTrusted = (ip: string) => trusted.matches(ip)
  const noTrustedProxies = config.http.trustProxy.length === 0

  const observers: RequestObserver[] = []
  let starters: RequestObserver[] = []
  let routers: RequestObserver[] = []
  let finishers: RequestObserver[] = []
  let runner: (req: LifecycleRequest, next: () => void) => void = (_req, next) => next()
  let wraps = false
  let inFlight = 0
  let idleWaiters: (() => void)[] = []
  let admission: AdmissionGate | undefined

  function rebuild(): void {
    starters = observers.filter((o) => o.onStart)
    routers = observers.filter((o) => o.onRoute)
    finishers = observers.filter((o) => o.onFinish)
    // Compose wrappers once: the first observer's context is outermost.
    let composed: (req: LifecycleRequest, next: () => void) => void = (_req, next) => next()
    for (const o of [...observers].reverse()) {
      if (!o.wrap) continue
      const inner = composed
      const wrap = o.wrap.bind(o)
      composed = (req, next) => {
        let entered = false
        try {
          wrap(req, () => {
            entered = true
            inner(req, next)
          })
        } catch (err) {
          // An observer failed before entering: run the request anyway, outside its context.
          if (!entered) inner(req, next)
          else throw err
        }
      }
    }
    runner = composed
    wraps = observers.some((o) => o.wrap !== undefined)
  }

  function bindRoute(req: LifecycleRequest, route: string): void {
    req.route = route
    req.excluded = isExcluded(route)
    if (metrics !== undefined && !req.excluded) {
      let tenant: string | undefined
      if (admitTenant !== undefined) {
        tenant = admitTenant(req.tenant)
        req.tenantLabel = tenant
      }
      req.series = metrics.route(req.method, route, tenant)
      req.series.inFlight.value++
    }
  }

  /** The request object of a new request, counted in flight; no route, no observers yet. */
  function create(
    method: string | undefined,
    url: string | undefined,
    headers: IncomingHttpHeaders,
    remoteAddress: string | undefined,
  ): LifecycleRequest {
    const rawMethod = method ?? ''
    const tenantValue = headers[tenantHeader]
    const incomingId = headers[idHeader]
    const req = new LifecycleRequest(
      normalizeMethod(rawMethod),
      rawMethod,
      url ?? '/',
      headers,
      remoteAddress,
      resolveRequestId(incomingId),
      typeof tenantValue === 'string' && tenantValue.length > 0 && tenantValue.length <= 128
        ? tenantValue
        : undefined,
      performance.now(),
    )
    req.requestIdGenerated = req.requestId !== incomingId
    inFlight++
    return req
  }

  /** Runs the observers' `onStart` (a failing observer never reaches the request). */
  function started(req: LifecycleRequest): LifecycleRequest {
    for (let i = 0; i < starters.length; i++) {
      try {
        starters[i]!.onStart!(req)
      } catch {
        // Telemetry never reaches the request path.
      }
    }
    return req
  }

  function begin(
    method: string | undefined,
    url: string | undefined,
    headers: IncomingHttpHeaders,
    remoteAddress: string | undefined,
    route: string | undefined,
  ): LifecycleRequest {
    const req = create(method, url, headers, remoteAddress)
    if (route !== undefined) bindRoute(req, route)
    else req.excluded = isExcluded(req.path)
    return started(req)
  }

  const core: LifecycleCore = {
    start(input) {
      return begin(
        input.method,
        input.url,
        input.headers,
        input.remoteAddress ?? peerAddressOf(input.socket),
        input.route,
      )
    },
    startWith(method, url, headers, socket, route) {
      return begin(method, url, headers, peerAddressOf(socket), route)
    },
    routeBinding(rawMethod, route) {
      const excluded = isExcluded(route)
      return Object.freeze({
        rawMethod,
        route,
        excluded,
        series:
          metrics === undefined || excluded || admitTenant !== undefined
            ? undefined
            : metrics.route(normalizeMethod(rawMethod), route, undefined),
      })
    },
    startBound(url, headers, socket, binding) {
      const req = create(binding.rawMethod, url, headers, peerAddressOf(socket))
      const series = binding.series
      if (series !== undefined) {
        req.route = binding.route
        req.series = series
        series.inFlight.value++
      } else if (binding.excluded) {
        req.route = binding.route
        req.excluded = true
      } else {
        bindRoute(req, binding.route)
      }
      return started(req)
    },
    requestIdHeader: idHeader,
    setRoute(req, route) {
      if (req.route !== '') return
      bindRoute(req, route ?? unmatched)
      for (let i = 0; i < routers.length; i++) {
        try {
          routers[i]!.onRoute!(req)
        } catch {
          // ignored: telemetry
        }
      }
    },
    run(req, next) {
      runner(req, next)
    },
    get wraps() {
      return wraps
    },
    setError(req, error) {
      req.error = error
    },
    finish(req, status, responseBytes, aborted = false) {
      if (req.finished) return
      req.finished = true
      inFlight--
      if (req.route === '') bindRoute(req, unmatched)
      req.status = status
      req.aborted = aborted
      req.responseBytes = Math.max(responseBytes, 0) || 0
      const len = req.headers['content-length']
      if (len !== undefined) {
        const n = Number(len)
        if (n > 0 && Number.isFinite(n)) req.requestBytes = n
      }
      req.durationSeconds = (performance.now() - req.startTime) / 1000
      let vouched: string | undefined
      if (tenantOf !== undefined && req.native !== undefined) {
        try {
          const t = tenantOf(req.native)
          if (typeof t === 'string') vouched = t
        } catch {
          // The app's hook failing leaves the request unvouched.
        }
      }
      const bound = req.tenantLabel
      req.tenantLabel = trust.resolve(req.tenant, vouched)
      let series = req.series
      if (series !== undefined) {
        series.inFlight.value--
        // Bound before the tenant was known for sure: count the outcome under the final tenant.
        if (admitTenant !== undefined && metrics !== undefined && bound !== req.tenantLabel) {
          series = metrics.route(req.method, req.route, req.tenantLabel)
          req.series = series
        }
        const s = series.status(aborted ? 499 : status)
        if (s.requests !== undefined) s.requests.value++
        if (exemplars && req.sampled && req.traceId !== undefined) {
          s.duration.observeWithExemplar(req.durationSeconds, req.traceId, req.spanId ?? '')
        } else {
          s.duration.observe(req.durationSeconds)
        }
        s.requestSize.observe(req.requestBytes)
        s.responseSize.observe(req.responseBytes)
      }
      for (let i = 0; i < finishers.length; i++) {
        try {
          finishers[i]!.onFinish!(req)
        } catch {
          // ignored: telemetry
        }
      }
      if (inFlight === 0 && idleWaiters.length > 0) {
        const waiters = idleWaiters
        idleWaiters = []
        for (const w of waiters) w()
      }
    },
    addObserver(observer) {
      observers.push(observer)
      rebuild()
    },
    clientIp(req) {
      if (req.clientIp === undefined)
        // No trusted proxies (the default): the socket peer is the client; BlockList look-ups are costly per request.
        req.clientIp = noTrustedProxies
          ? req.remoteAddress
          : resolveClientIp(req.remoteAddress, req.headers, isTrusted)
      return req.clientIp
    },
    get inFlight() {
      return inFlight
    },
    idle() {
      if (inFlight === 0) return Promise.resolve()
      return new Promise((resolve) => idleWaiters.push(resolve))
    },
    setAdmission(gate) {
      admission = gate
    },
    admit(req) {
      if (admission === undefined || req.excluded) return undefined
      try {
        return admission(req)
      } catch {
        return undefined
      }
    },
  }
  return core
}
