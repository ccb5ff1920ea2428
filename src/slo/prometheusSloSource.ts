import { type Conventions, HTTP_METRIC_NAMES } from '../metrics/conventions.ts'
import { BURN_WINDOWS } from './conventions.ts'
import { formatDuration } from './duration.ts'
import type { WindowCounts } from './evaluateSlo.ts'
import { oneOf, selector } from './promql.ts'
import { sliQueries } from './sliQueries.ts'
import type { SloDefinition } from './sloModel.ts'
import type { SloSource, StepCounts } from './sloSource.ts'

/** Options of {@link createPrometheusSloSource}. */
export interface PrometheusSloSourceOptions {
  /** Base URL, e.g. `http://prometheus:9090`. */
  readonly url: string
  readonly conventions?: Conventions
  /** The HTTP metrics carry `tenant`: queries select one tenant. Otherwise every tenant sees the fleet's SLI. */
  readonly tenantLabel?: boolean
  /** Extra equality matchers, e.g. `{ job: 'identity' }`. */
  readonly selector?: Readonly<Record<string, string>>
  /** Routes no SLO counts (templates, `*` suffix = prefix), as in the generated rules. */
  readonly excludeRoutes?: readonly string[]
  /** Timeout per query. Default 5000 ms. */
  readonly timeoutMs?: number
  /** `fetch` to use (tests). Default the global one. */
  readonly fetch?: typeof fetch
}

interface PromVectorSample {
  readonly metric: Record<string, string>
  readonly value?: [number, string]
  readonly values?: [number, string][]
}

/**
 * Reads SLO counts from the Prometheus HTTP API with the same selectors as the generated rules
 * (`sum(increase(<bad>[w]))`, `sum(increase(<total>[w]))`), so a fleet of replicas is measured as one.
 * Errors (unreachable, non-2xx, `status: error`) reject; the caller counts them.
 *
 * @example
 * const source = createPrometheusSloSource({ url: 'http://127.0.0.1:9090', conventions: 'otel' })
 * await source.counts('acme', slo, Date.now())
 */
export function createPrometheusSloSource(options: PrometheusSloSourceOptions): SloSource {
  const base = options.url.replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? 5000
  const doFetch = options.fetch ?? fetch
  const queryOptions = {
    conventions: options.conventions,
    tenantLabel: options.tenantLabel,
    selector: options.selector,
    excludeRoutes: options.excludeRoutes,
  }
  const scope = (tenant: string) =>
    options.tenantLabel === true ? ({ kind: 'only', tenant } as const) : ({ kind: 'all' } as const)

  async function api(path: string, params: Record<string, string>): Promise<PromVectorSample[]> {
    const res = await doFetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    })
    const body = (await res.json().catch(() => undefined)) as
      | { status?: string; error?: string; data?: { result?: PromVectorSample[] } }
      | undefined
    if (!res.ok || body?.status !== 'success') {
      throw new Error(`Prometheus ${path} answered ${res.status}: ${body?.error ?? 'no JSON body'}`)
    }
    return body.data?.result ?? []
  }

  async function scalar(query: string, atMs: number): Promise<number> {
    const result = await api('/api/v1/query', { query, time: String(atMs / 1000) })
    let sum = 0
    for (const s of result) {
      const v = Number(s.value?.[1])
      if (Number.isFinite(v)) sum += v
    }
    return sum
  }

  async function window(tenant: string, slo: SloDefinition, w: string, nowMs: number) {
    const q = sliQueries(slo, queryOptions, scope(tenant))
    const [bad, total] = await Promise.all([
      scalar(q.badIncrease(w), nowMs),
      scalar(q.totalIncrease(w), nowMs),
    ])
    return counted(bad, total)
  }

  return {
    kind: 'prometheus',
    async counts(tenant, slo, nowMs): Promise<WindowCounts> {
      const [period, ...windows] = await Promise.all([
        window(tenant, slo, slo.period, nowMs),
        ...BURN_WINDOWS.map((w) => window(tenant, slo, w.name, nowMs)),
      ])
      return {
        windows: Object.fromEntries(BURN_WINDOWS.map((w, i) => [w.name, windows[i]!])),
        period: period!,
      }
    },
    async steps(tenant, slo, fromMs, toMs, stepMs): Promise<StepCounts[]> {
      const q = sliQueries(slo, queryOptions, scope(tenant))
      const step = formatDuration(Math.max(Math.round(stepMs / 1000), 1))
      const range = {
        start: String((fromMs + stepMs) / 1000),
        end: String(toMs / 1000),
        step: String(stepMs / 1000),
      }
      const [bad, total] = await Promise.all([
        api('/api/v1/query_range', { query: q.badIncrease(step), ...range }),
        api('/api/v1/query_range', { query: q.totalIncrease(step), ...range }),
      ])
      const out: StepCounts[] = []
      for (let start = fromMs; start < toMs; start += stepMs) out.push({ start, good: 0, total: 0 })
      const at = (series: PromVectorSample[]) => {
        const m = new Map<number, number>()
        for (const s of series)
          for (const [t, v] of s.values ?? [])
            m.set(Math.round(t * 1000), (m.get(Math.round(t * 1000)) ?? 0) + Number(v))
        return m
      }
      const badAt = at(bad)
      const totalAt = at(total)
      return out.map((s) => {
        const t = totalAt.get(s.start + stepMs) ?? 0
        const b = badAt.get(s.start + stepMs) ?? 0
        return { start: s.start, ...counted(b, t) }
      })
    },
    async tenants(nowMs) {
      if (options.tenantLabel !== true) return []
      const n = HTTP_METRIC_NAMES[options.conventions ?? 'prometheus']
      const matchers = Object.entries(options.selector ?? {}).map(([k, v]) => oneOf(k, [v]))
      const result = await api('/api/v1/query', {
        query: `group by (${n.labels.tenant}) (last_over_time(${selector(n.requestsSeries, matchers)}[1h]))`,
        time: String(nowMs / 1000),
      })
      return result.map((s) => s.metric[n.labels.tenant]).filter((t): t is string => typeof t === 'string')
    },
  }
}

/**
 * Whole good/total counts from `increase()` results: PromQL extrapolates a window's increase to its edges, so the
 * raw figures are fractional; requests are counted in whole numbers (rounded to the nearest).
 */
function counted(bad: number, total: number): { good: number; total: number } {
  const t = Math.max(Math.round(total), 0)
  return { good: Math.max(t - Math.min(Math.max(Math.round(bad), 0), t), 0), total: t }
}
