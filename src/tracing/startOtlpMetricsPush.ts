import { type Attributes, context, type HrTime, ValueType } from '@opentelemetry/api'
import type { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http'
import type { MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics'
import type { ResolvedConfig } from '../config/schema.ts'
import type { MetricRegistry } from '../metrics/metricRegistry.ts'
import { lazyRequire } from '../util/lazyRequire.ts'
import { createResource } from './createTracing.ts'
import type { TracingSettings } from './resolveTracingSettings.ts'

// Loaded when a process pushes metrics over OTLP, not when it imports Lookout (see lazyRequire).
const otelCore = lazyRequire<typeof import('@opentelemetry/core')>('@opentelemetry/core')
const sdkMetrics = lazyRequire<typeof import('@opentelemetry/sdk-metrics')>('@opentelemetry/sdk-metrics')
const metricsExporter = lazyRequire<typeof import('@opentelemetry/exporter-metrics-otlp-http')>(
  '@opentelemetry/exporter-metrics-otlp-http',
)

/** Inputs of {@link startOtlpMetricsPush}. */
export interface OtlpMetricsPushOptions {
  readonly registry: MetricRegistry
  readonly config: ResolvedConfig
  readonly push: NonNullable<TracingSettings['metricsPush']>
  /** Called once per failed push (the caller rate-limits its logging). */
  readonly onError: (error: unknown) => void
  /** Exporter to use instead of OTLP/HTTP JSON (tests). */
  readonly exporter?: { export: OTLPMetricExporter['export']; shutdown(): Promise<void> }
}

/**
 * Pushes Lookout's own metrics (the same families `/metrics` serves: HTTP RED, domain, process) to an OTLP
 * endpoint every `intervalMs`, for backends that take OTLP instead of scraping. The values are read from the
 * registry's exposition — one source of truth, so the pushed and scraped numbers are the same — and sent as
 * cumulative sums (counters), gauges and explicit-bucket histograms. One push at a time; a push that fails is
 * reported and skipped (the next one carries the cumulative values anyway). Returns the stop function, which
 * sends a last push within the exporter timeout.
 *
 * @example
 * const stop = startOtlpMetricsPush({ registry, config, push: settings.metricsPush!, onError: console.warn })
 * await stop()
 */
export function startOtlpMetricsPush(options: OtlpMetricsPushOptions): () => Promise<void> {
  const { registry, config, push, onError } = options
  const { ExportResultCode, millisToHrTime, suppressTracing } = otelCore()
  const exporter =
    options.exporter ??
    new (metricsExporter().OTLPMetricExporter)({
      url: push.url,
      headers: { ...push.headers },
      timeoutMillis: push.timeoutMs,
    })
  const resource = createResource(config)
  const startTime = millisToHrTime(Date.now())
  let running: Promise<void> | undefined
  let stopped = false

  async function pushOnce(): Promise<void> {
    if (running !== undefined) return running
    running = (async () => {
      try {
        const text = await registry.expose('prometheus')
        const metrics = exposition2otlp(text, startTime, millisToHrTime(Date.now()))
        const data: ResourceMetrics = { resource, scopeMetrics: [{ scope: { name: 'lookout' }, metrics }] }
        await new Promise<void>((resolve) => {
          let done = false
          const timer = setTimeout(() => finish(new Error('metrics push timed out')), push.timeoutMs + 1000)
          timer.unref()
          function finish(error: unknown) {
            if (done) return
            done = true
            clearTimeout(timer)
            if (error !== undefined) onError(error)
            resolve()
          }
          context.with(suppressTracing(context.active()), () => {
            exporter.export(data, (result) =>
              finish(
                result.code === ExportResultCode.SUCCESS
                  ? undefined
                  : (result.error ?? new Error('rejected')),
              ),
            )
          })
        })
      } catch (error) {
        onError(error)
      } finally {
        running = undefined
      }
    })()
    return running
  }

  const timer = setInterval(() => {
    void pushOnce()
  }, push.intervalMs)
  timer.unref()
  return async function stopOtlpMetricsPush() {
    if (stopped) return
    stopped = true
    clearInterval(timer)
    await pushOnce()
    await exporter.shutdown().catch(() => undefined)
  }
}

interface Family {
  name: string
  help: string
  type: string
  samples: { name: string; labels: Record<string, string>; value: number }[]
}

/**
 * Converts Prometheus text 0.0.4 into OTLP metric data: `counter` → monotonic cumulative sum, `gauge` → gauge,
 * `histogram` → cumulative explicit-bucket histogram (bucket counts de-accumulated), others → gauges.
 *
 * @example
 * exposition2otlp('# TYPE jobs_total counter\njobs_total{status="ok"} 3\n', start, now)[0].dataPointType // SUM
 */
export function exposition2otlp(text: string, startTime: HrTime, endTime: HrTime): MetricData[] {
  const families = new Map<string, Family>()
  let current: Family | undefined
  for (const line of text.split('\n')) {
    if (line === '') continue
    if (line.startsWith('# HELP ')) {
      const [name, ...rest] = line.slice(7).split(' ')
      current = family(families, name!)
      current.help = rest.join(' ')
      continue
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ')
      current = family(families, name!)
      current.type = type ?? 'untyped'
      continue
    }
    if (line.startsWith('#')) continue
    const sample = parseSample(line)
    if (sample === undefined || current === undefined) continue
    current.samples.push(sample)
  }
  const { AggregationTemporality, DataPointType } = sdkMetrics()
  const out: MetricData[] = []
  for (const f of families.values()) {
    const descriptor = { name: f.name, description: f.help, unit: '', valueType: ValueType.DOUBLE }
    if (f.type === 'histogram') {
      const points = new Map<
        string,
        { attrs: Attributes; buckets: [number, number][]; sum: number; count: number }
      >()
      for (const s of f.samples) {
        const { le, ...rest } = s.labels
        const key = JSON.stringify(rest)
        let p = points.get(key)
        if (p === undefined) {
          p = { attrs: rest, buckets: [], sum: 0, count: 0 }
          points.set(key, p)
        }
        if (s.name.endsWith('_bucket') && le !== undefined)
          p.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value])
        else if (s.name.endsWith('_sum')) p.sum = s.value
        else if (s.name.endsWith('_count')) p.count = s.value
      }
      out.push({
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: [...points.values()].map((p) => {
          p.buckets.sort((a, b) => a[0] - b[0])
          const boundaries = p.buckets.filter((b) => b[0] !== Infinity).map((b) => b[0])
          const counts: number[] = []
          let previous = 0
          for (const [, cumulative] of p.buckets) {
            counts.push(Math.max(cumulative - previous, 0))
            previous = cumulative
          }
          if (counts.length === boundaries.length) counts.push(Math.max(p.count - previous, 0))
          return {
            startTime,
            endTime,
            attributes: p.attrs,
            value: { buckets: { boundaries, counts }, sum: p.sum, count: p.count },
          }
        }),
      })
      continue
    }
    const dataPoints = f.samples
      .filter((s) => s.name === f.name || (f.type === 'counter' && s.name === `${f.name}_total`))
      .map((s) => ({ startTime, endTime, attributes: s.labels as Attributes, value: s.value }))
    if (dataPoints.length === 0) continue
    if (f.type === 'counter') {
      out.push({
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints,
      })
    } else {
      out.push({
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        dataPoints,
      })
    }
  }
  return out
}

function family(families: Map<string, Family>, name: string): Family {
  let f = families.get(name)
  if (f === undefined) {
    f = { name, help: '', type: 'untyped', samples: [] }
    families.set(name, f)
  }
  return f
}

/** `name{a="x",b="y\"z"} 1.5 [ts]` → sample; `undefined` when unreadable. */
function parseSample(
  line: string,
): { name: string; labels: Record<string, string>; value: number } | undefined {
  const labels: Record<string, string> = {}
  let i = 0
  while (i < line.length && line[i] !== '{' && line[i] !== ' ') i++
  const name = line.slice(0, i)
  if (line[i] === '{') {
    i++
    while (i < line.length && line[i] !== '}') {
      const eq = line.indexOf('=', i)
      if (eq === -1) return undefined
      const key = line.slice(i, eq).trim()
      i = eq + 2 // skip ="
      let value = ''
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) {
          const next = line[i + 1]
          value += next === 'n' ? '\n' : next
          i += 2
          continue
        }
        value += line[i]
        i++
      }
      i++ // closing quote
      labels[key] = value
      if (line[i] === ',') i++
    }
    i++ // }
  }
  const rest = line.slice(i).trim().split(' ')
  const raw = rest[0] ?? ''
  const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw)
  if (Number.isNaN(value) && raw !== 'NaN') return undefined
  return { name, labels, value }
}
