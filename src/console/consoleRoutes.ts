import { PassThrough } from 'node:stream'
import { json, problem } from '../http/opsResponses.ts'
import type { OpsRequest, OpsResponse, OpsRoute, OpsScope } from '../http/opsRoute.ts'
import { TENANT_ID, TENANT_ID_RULE } from '../http/tenantId.ts'
import { CONSOLE_ROUTES } from './conventions.ts'
import { type ConsoleLogLine, LOG_LEVELS, type LogBuffer, type LogFilter, matchesLog } from './logBuffer.ts'
import type { RouteSeries } from './routeSeries.ts'
import type { TraceBuffer } from './traceBuffer.ts'

/** What the console's API routes read. */
export interface ConsoleRouteDeps {
  readonly traces: TraceBuffer
  readonly logs: LogBuffer | undefined
  readonly series: RouteSeries | undefined
  readonly fineSeries: RouteSeries | undefined
  readonly maxTailClients: number
  /** Whether shutdown has begun (open tails are ended then). */
  readonly stopping: () => boolean
  /** Live tails end when the console stops (so shutdown does not wait for them). */
  readonly onStop: (fn: () => void) => void
}

const TRACE_ID = /^[0-9a-f]{32}$/
const PRINTABLE = /^[\x20-\x7e]{1,256}$/

type Parsed<T> = { ok: true; value: T } | { ok: false; response: OpsResponse }

const bad = (field: string, message: string): { ok: false; response: OpsResponse } => ({
  ok: false,
  response: problem(400, 'invalid_query', `${field}: ${message}`, [{ path: field, message }]),
})

type FieldKind =
  | 'text'
  | 'tenant'
  | 'traceId'
  | 'status'
  | 'ms'
  | 'bool'
  | 'level'
  | 'seq'
  | 'limit'
  | 'resolution'

function parseField(field: string, kind: FieldKind, raw: string, maxLimit: number): Parsed<unknown> {
  switch (kind) {
    case 'text':
      return PRINTABLE.test(raw) ? { ok: true, value: raw } : bad(field, '1-256 printable ASCII characters')
    case 'tenant':
      return TENANT_ID.test(raw) ? { ok: true, value: raw } : bad(field, `a tenant id (${TENANT_ID_RULE})`)
    case 'traceId':
      return TRACE_ID.test(raw) ? { ok: true, value: raw } : bad(field, '32 lower-case hex digits')
    case 'status': {
      const n = Number(raw)
      return /^\d{3}$/.test(raw) && n >= 100 && n <= 599
        ? { ok: true, value: n }
        : bad(field, 'an HTTP status 100-599')
    }
    case 'ms': {
      const n = Number(raw)
      return raw !== '' && Number.isFinite(n) && n >= 0
        ? { ok: true, value: n }
        : bad(field, 'a number of milliseconds ≥ 0')
    }
    case 'bool':
      return raw === 'true' || raw === 'false'
        ? { ok: true, value: raw === 'true' }
        : bad(field, 'true or false')
    case 'level':
      return (LOG_LEVELS as readonly string[]).includes(raw)
        ? { ok: true, value: raw }
        : bad(field, `one of ${LOG_LEVELS.join(', ')}`)
    case 'seq': {
      const n = Number(raw)
      return /^\d{1,15}$/.test(raw) ? { ok: true, value: n } : bad(field, 'a non-negative integer')
    }
    case 'limit': {
      const n = Number(raw)
      return /^\d{1,6}$/.test(raw) && n >= 1 && n <= maxLimit
        ? { ok: true, value: n }
        : bad(field, `an integer 1-${maxLimit}`)
    }
    case 'resolution':
      return raw === 'minute' || raw === 'fine' ? { ok: true, value: raw } : bad(field, 'minute or fine')
  }
}

/** Reads the query: unknown parameters, repeated parameters and malformed values are 400s naming the field. */
function parseQuery(
  req: OpsRequest,
  fields: Readonly<Record<string, FieldKind>>,
  maxLimit = 1000,
): Parsed<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  for (const name of new Set(req.query.keys())) {
    const kind = fields[name]
    if (kind === undefined)
      return bad(name, `unknown parameter; expected one of ${Object.keys(fields).join(', ')}`)
    const all = req.query.getAll(name)
    if (all.length > 1) return bad(name, 'given more than once')
    const parsed = parseField(name, kind, all[0]!, maxLimit)
    if (!parsed.ok) return parsed
    out[name] = parsed.value
  }
  return { ok: true, value: out }
}

/** The tenant a request may see: a tenant key's own, else the `tenant` filter (if any). */
const visibleTenant = (req: OpsRequest, asked: unknown) =>
  req.operator?.tenant ?? (asked as string | undefined)

/** Tenant keys may call the console APIs; what they see is filtered to their tenant server-side. */
const CONSOLE_SCOPE: OpsScope = {
  kind: 'tenant',
  source: 'query `tenant`; a tenant key sees only its tenant',
  tenants: (req) => {
    const t = req.query.getAll('tenant')
    return t.length === 1 ? [t[0]!] : []
  },
}

const TRACE_FIELDS = {
  route: 'text',
  status: 'status',
  error: 'bool',
  minDurationMs: 'ms',
  tenant: 'tenant',
  traceId: 'traceId',
  requestId: 'text',
  limit: 'limit',
} as const satisfies Record<string, FieldKind>

const LOG_FIELDS = {
  level: 'level',
  route: 'text',
  tenant: 'tenant',
  traceId: 'traceId',
  requestId: 'text',
  text: 'text',
  after: 'seq',
} as const satisfies Record<string, FieldKind>

const logFilter = (req: OpsRequest, q: Record<string, unknown>): Omit<LogFilter, 'limit'> => ({
  level: q.level as string | undefined,
  route: q.route as string | undefined,
  tenant: visibleTenant(req, q.tenant),
  traceId: q.traceId as string | undefined,
  requestId: q.requestId as string | undefined,
  text: q.text as string | undefined,
  after: q.after as number | undefined,
})

const toJsonLine = (l: ConsoleLogLine) => ({ seq: l.seq, level: l.level, time: l.time, fields: l.fields })

/**
 * The console's JSON APIs: traces (list, one trace), logs (list, live tail as server-sent events) and the route
 * series. Every query parameter is validated (400 naming it); a tenant key sees only its tenant's traces, lines and
 * series.
 *
 * @example
 * for (const route of createConsoleRoutes({ traces, logs, series, fineSeries, maxTailClients: 16, onStop })) host.addRoute(route)
 */
export function createConsoleRoutes(deps: ConsoleRouteDeps): OpsRoute[] {
  const tails = new Set<PassThrough>()
  const endAll = () => {
    for (const t of tails) t.end()
  }
  deps.onStop(endAll)
  // A tail is a request that never finishes by itself: while any is open, watch for shutdown and end them so
  // draining in-flight requests does not wait for them.
  let watch: NodeJS.Timeout | undefined
  const watchShutdown = () => {
    if (watch !== undefined) return
    watch = setInterval(() => {
      if (deps.stopping()) endAll()
      if (tails.size === 0) {
        clearInterval(watch)
        watch = undefined
      }
    }, 250)
    watch.unref()
  }
  const routes: OpsRoute[] = [
    {
      method: 'GET',
      path: CONSOLE_ROUTES.traces,
      scope: CONSOLE_SCOPE,
      description:
        'Console: recent traces, newest first (filters: route, status, error, minDurationMs, tenant, traceId, requestId, limit)',
      handler(req) {
        const q = parseQuery(req, TRACE_FIELDS)
        if (!q.ok) return q.response
        const v = q.value
        const traces = deps.traces.list({
          route: v.route as string | undefined,
          status: v.status as number | undefined,
          error: v.error as boolean | undefined,
          minDurationMs: v.minDurationMs as number | undefined,
          tenant: visibleTenant(req, v.tenant),
          traceId: v.traceId as string | undefined,
          requestId: v.requestId as string | undefined,
          limit: (v.limit as number | undefined) ?? 100,
        })
        return json(200, { traces })
      },
    },
    {
      method: 'GET',
      path: CONSOLE_ROUTES.trace,
      scope: CONSOLE_SCOPE,
      description: 'Console: one trace with its spans (attributes, events) in start order',
      handler(req) {
        const id = req.params.traceId ?? ''
        if (!TRACE_ID.test(id)) return bad('traceId', '32 lower-case hex digits').response
        const q = parseQuery(req, {})
        if (!q.ok) return q.response
        const trace = deps.traces.get(id)
        const tenant = req.operator?.tenant
        // Another tenant's trace looks like a missing one.
        if (trace === undefined || (tenant !== undefined && trace.summary.tenant !== tenant)) {
          return problem(404, 'not_found', 'no such trace in the console buffer')
        }
        return json(200, trace as unknown as Record<string, unknown>)
      },
    },
  ]
  const logs = deps.logs
  if (logs !== undefined) {
    routes.push(
      {
        method: 'GET',
        path: CONSOLE_ROUTES.logs,
        scope: CONSOLE_SCOPE,
        description:
          'Console: recent log lines, oldest first (filters: level, route, tenant, traceId, requestId, text, after, limit)',
        handler(req) {
          const q = parseQuery(req, { ...LOG_FIELDS, limit: 'limit' }, 5000)
          if (!q.ok) return q.response
          const lines = logs.list({
            ...logFilter(req, q.value),
            limit: (q.value.limit as number | undefined) ?? 200,
          })
          return json(200, { lines: lines.map(toJsonLine) })
        },
      },
      {
        method: 'GET',
        path: CONSOLE_ROUTES.tail,
        scope: CONSOLE_SCOPE,
        description: 'Console: live tail of log lines as server-sent events (same filters as the list)',
        handler(req) {
          const q = parseQuery(req, LOG_FIELDS)
          if (!q.ok) return q.response
          if (tails.size >= deps.maxTailClients) {
            return problem(
              429,
              'too_many_tails',
              'too many live tails are open; close one and retry',
              undefined,
              {
                'retry-after': '5',
              },
            )
          }
          const filter = logFilter(req, q.value)
          const stream = new PassThrough()
          tails.add(stream)
          watchShutdown()
          const send = (l: ConsoleLogLine) => {
            if (matchesLog(l, filter))
              stream.write(`id: ${l.seq}\ndata: ${JSON.stringify(toJsonLine(l))}\n\n`)
          }
          stream.write(': live tail\n\n')
          for (const l of logs.list({ ...filter, limit: 100 })) send(l)
          const unsubscribe = logs.subscribe((l) => {
            // A client that does not read is cut off rather than buffered without bound.
            if (stream.writableLength > 1_048_576) stream.end()
            else send(l)
          })
          const heartbeat = setInterval(() => stream.write(': keep-alive\n\n'), 15_000)
          heartbeat.unref()
          const close = () => {
            clearInterval(heartbeat)
            unsubscribe()
            tails.delete(stream)
          }
          stream.on('close', close)
          stream.on('finish', close)
          return {
            status: 200,
            headers: {
              'content-type': 'text/event-stream; charset=utf-8',
              'cache-control': 'no-store',
              'x-accel-buffering': 'no',
            },
            body: stream,
          }
        },
      },
    )
  }
  const series = deps.series
  if (series !== undefined) {
    routes.push({
      method: 'GET',
      path: CONSOLE_ROUTES.series,
      scope: CONSOLE_SCOPE,
      description:
        'Console: per-route RED series (rate, 5xx rate, p50/p95/p99) at one-minute or fine resolution',
      handler(req) {
        const q = parseQuery(req, { route: 'text', tenant: 'tenant', resolution: 'resolution' })
        if (!q.ok) return q.response
        const source = q.value.resolution === 'fine' ? deps.fineSeries : series
        const list =
          source?.list({
            route: q.value.route as string | undefined,
            tenant: visibleTenant(req, q.value.tenant),
          }) ?? []
        // A tenant key sees only series labelled with its tenant (none when metrics carry no tenant label).
        const visible =
          req.operator?.tenant === undefined ? list : list.filter((s) => s.tenant === req.operator?.tenant)
        return json(200, { stepSeconds: (source?.stepMs ?? 0) / 1000, series: visible })
      },
    })
  }
  return routes
}
