import { activeSpanIds, contextFields } from '../context/getContext.ts'
import { ContextStore } from '../context/requestContext.ts'
import type { LifecycleCore } from '../http/lifecycleCore.ts'
import type { LifecycleRequest } from '../http/lifecycleRequest.ts'
import type { RequestObserver } from '../http/requestObserver.ts'
import type { Redactor } from '../redact/createRedactor.ts'
import { detachedCopy } from '../util/detachedCopy.ts'
import { LOG_EVENTS } from './conventions.ts'
import { type LookoutLogger, loggerInternals } from './createLogger.ts'
import { durationMs } from './durationMs.ts'
import { jsonString } from './jsonString.ts'
import { PRE_REDACTED } from './preRedacted.ts'

/** Options of {@link createRequestLogObserver}. */
export interface RequestLogOptions {
  readonly logger: LookoutLogger
  readonly redactor: Redactor
  readonly core: LifecycleCore
  /** Log excluded routes (probes, /metrics) too. Default `false`. */
  readonly includeExcluded?: boolean
  /** Sampling of ordinary lines; absent = every line is written. */
  readonly sampling?: RequestLogSampling
}

/** Which request lines are written when not all are. */
export interface RequestLogSampling {
  /** Share (0..1) of ordinary lines written. */
  readonly ratio: number
  /** Requests at least this slow (ms) are always written. */
  readonly slowMs: number
  /** Sample 4xx like successes (otherwise every 4xx is written). 5xx are always written. */
  readonly sampleClientErrors: boolean
  /** Called once per line left out. */
  readonly onSampledOut: () => void
  /** Uniform [0, 1) source. Default `Math.random`. */
  readonly random?: () => number
}

const UA_MEMO_LIMIT = 512
const GENERATED_ID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/

/**
 * One line per finished request: `method`, `route`, `path` (query redacted), `status`, `duration_ms`,
 * `request_bytes`, `response_bytes`, `client_ip` (trusted-proxy aware), `user_agent`, the request context ids;
 * level `error` for 5xx, `warn` for 4xx, `info` otherwise. Excluded routes are skipped by default.
 *
 * The line is built pre-redacted (only the client-controlled `path` and `user_agent` go through the redactor;
 * user agents repeat, so their redaction is memoised) and marked so the logger skips its generic walk.
 *
 * With `sampling`, every 5xx, every 4xx (unless `sampleClientErrors`) and every request of at least `slowMs`
 * is written, the others at `ratio`; each line left out calls `onSampledOut`. Without it the observer has no
 * sampling step at all.
 *
 * @example
 * core.addObserver(createRequestLogObserver({ logger, redactor, core }))
 */
export function createRequestLogObserver(options: RequestLogOptions): RequestObserver {
  const { logger, redactor, core } = options
  const includeExcluded = options.includeExcluded ?? false
  // Lookout's logger adds no context fields to this line (it carries them): an app's active span, when the request
  // has no trace ids of Lookout's, is added here instead, last, as the logger's context fields were.
  const ownLogger = loggerInternals(logger) !== undefined
  const uaMemo = new Map<string, string>()

  function userAgent(value: string | undefined): string | undefined {
    if (value === undefined) return undefined
    let out = uaMemo.get(value)
    if (out === undefined) {
      if (value.length > 512) return redactor.redactString(value.slice(0, 512))
      out = redactor.redactString(value)
      if (uaMemo.size >= UA_MEMO_LIMIT) uaMemo.clear()
      // At most 512 user agents of at most 512 characters, each a copy rather than a view of the request's headers.
      uaMemo.set(detachedCopy(value), out)
    }
    return out
  }

  /** The line as an object, through the logger's generic path (a host logger, an error, object-valued bindings). */
  const writeObject = (req: LifecycleRequest): void => {
    // Finish runs outside the request's async context (on the response 'close'), so the context fields are
    // taken from the request's own store rather than the mixin.
    const line: Record<string | symbol, unknown> =
      req.context instanceof ContextStore ? contextFields(req.context, false) : {}
    line[PRE_REDACTED] = true
    if (line.request_id === undefined) {
      // Ids shaped like Lookout's (32 hex) or UUIDs need no scan; only client-supplied ones could carry PII.
      line.request_id =
        req.requestIdGenerated || GENERATED_ID.test(req.requestId)
          ? req.requestId
          : redactor.redactString(req.requestId)
    }
    if (line.trace_id === undefined && req.traceId !== undefined) {
      line.trace_id = req.traceId
      line.span_id = req.spanId
    }
    line.event = LOG_EVENTS.request
    line.method = req.method
    line.route = req.route
    line.path = redactor.redactUrl(req.url)
    line.status = req.status
    line.duration_ms = Math.round(req.durationSeconds * 1e6) / 1e3
    line.request_bytes = req.requestBytes
    line.response_bytes = req.responseBytes
    line.client_ip = core.clientIp(req)
    const ua = req.headers['user-agent']
    if (ua !== undefined) line.user_agent = userAgent(ua)
    if (req.aborted) line.aborted = true
    const status = req.status
    if (status >= 500 && req.error !== undefined) line.err = redactor.redact(req.error)
    if (ownLogger && line.trace_id === undefined) {
      const ids = activeSpanIds()
      if (ids !== undefined) {
        line.trace_id = ids[0]
        line.span_id = ids[1]
      }
    }
    if (status >= 500) logger.error(line, 'request failed')
    else if (status >= 400) logger.warn(line, 'request rejected')
    else logger.info(line, 'request completed')
  }

  // Lookout's own logger takes the line serialised: the fields are known, already redacted, and mostly constant per
  // route (event, method, route), so they are written straight to JSON instead of walked as an object.
  const writeSerialized = loggerInternals(logger)?.writeSerialized
  const routeParts = new Map<string, Map<string, string>>()
  const constantPart = (method: string, route: string): string => {
    let byMethod = routeParts.get(route)
    if (byMethod === undefined) {
      // Routes are templates (bounded); the map is cleared if something unexpected makes it grow anyway.
      if (routeParts.size >= 4096) routeParts.clear()
      byMethod = new Map()
      routeParts.set(route, byMethod)
    }
    let part = byMethod.get(method)
    if (part === undefined) {
      part = `,"event":${jsonString(LOG_EVENTS.request)},"method":${jsonString(method)},"route":${jsonString(route)}`
      byMethod.set(method, part)
    }
    return part
  }

  const write =
    writeSerialized === undefined
      ? writeObject
      : (req: LifecycleRequest): void => {
          const status = req.status
          if (status >= 500 && req.error !== undefined) {
            writeObject(req)
            return
          }
          let head = ''
          let requestIdSet = false
          let traceSet = false
          const store = req.context
          if (store instanceof ContextStore) {
            // The fields contextFields() gives, in its order, read straight from the store.
            const id = store.requestId
            if (id !== undefined) {
              // Lookout's own ids are hex: nothing to escape.
              head = `,"request_id":${id === req.requestId && req.requestIdGenerated ? `"${id}"` : jsonString(id)}`
              requestIdSet = true
            }
            if (store.tenantId !== undefined) head += `,"tenant_id":${jsonString(store.tenantId)}`
            if (store.userId !== undefined) head += `,"user_id":${jsonString(store.userId)}`
            const own = store.req
            if (own?.traceId !== undefined) {
              head += `,"trace_id":"${own.traceId}"`
              if (own.spanId !== undefined) head += `,"span_id":"${own.spanId}"`
              traceSet = true
            }
            const bindings = store.bindings
            if (bindings !== undefined) {
              for (const key in bindings) {
                const value = bindings[key]
                if (value === undefined) continue
                const json = primitiveJson(value)
                // An object-valued binding is serialised as the logger does it (stable, circular-safe); a binding
                // named like a context field replaces it in place there.
                if (json === undefined || CONTEXT_KEYS.has(key)) {
                  writeObject(req)
                  return
                }
                head += `,${jsonString(key)}:${json}`
              }
            }
          }
          if (!requestIdSet) {
            head += `,"request_id":${
              req.requestIdGenerated || GENERATED_ID.test(req.requestId)
                ? `"${req.requestId}"`
                : jsonString(redactor.redactString(req.requestId))
            }`
          }
          if (!traceSet && req.traceId !== undefined) {
            traceSet = true
            head += `,"trace_id":"${req.traceId}"`
            if (req.spanId !== undefined) head += `,"span_id":"${req.spanId}"`
          }
          let line = `${head}${constantPart(req.method, req.route)},"path":${jsonString(redactor.redactUrl(req.url))},"status":${status},"duration_ms":${durationMs(req.durationSeconds)},"request_bytes":${finite(req.requestBytes)},"response_bytes":${finite(req.responseBytes)}`
          const ip = core.clientIp(req)
          if (ip !== undefined) line += `,"client_ip":${jsonString(ip)}`
          const ua = req.headers['user-agent']
          if (ua !== undefined) line += `,"user_agent":${jsonString(userAgent(ua)!)}`
          if (req.aborted) line += ',"aborted":true'
          if (!traceSet) {
            const ids = activeSpanIds()
            if (ids !== undefined) line += `,"trace_id":"${ids[0]}","span_id":"${ids[1]}"`
          }
          if (status >= 500) writeSerialized('error', line, 'request failed')
          else if (status >= 400) writeSerialized('warn', line, 'request rejected')
          else writeSerialized('info', line, 'request completed')
        }

  const sampling = options.sampling
  if (sampling === undefined || sampling.ratio >= 1) {
    return {
      name: 'request-log',
      onFinish(req: LifecycleRequest) {
        if (req.excluded && !includeExcluded) return
        write(req)
      },
    }
  }
  const { ratio, onSampledOut } = sampling
  const slowSeconds = sampling.slowMs / 1000
  const keepFrom = sampling.sampleClientErrors ? 500 : 400
  const random = sampling.random ?? Math.random
  return {
    name: 'request-log',
    onFinish(req: LifecycleRequest) {
      if (req.excluded && !includeExcluded) return
      if (req.status >= keepFrom || req.durationSeconds >= slowSeconds || random() < ratio) write(req)
      else onSampledOut()
    },
  }
}

/** The context fields a binding could be named like (see {@link contextFields}). */
const CONTEXT_KEYS = new Set(['request_id', 'tenant_id', 'user_id', 'trace_id', 'span_id'])

/** A number as pino writes it (non-finite as `null`). */
function finite(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null'
}

/** A string, number or boolean as JSON; `undefined` for anything else. */
function primitiveJson(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return jsonString(value)
    case 'number':
      return finite(value)
    case 'boolean':
      return String(value)
    default:
      return undefined
  }
}
