import { performance } from 'node:perf_hooks'
import { Registry as PromRegistry } from 'prom-client'
import { bucketsInvalidError, metricConflictError } from '../errors.ts'
import { LOOKOUT_METRIC_NAMES } from './conventions.ts'
import { CounterFamily } from './counterFamily.ts'
import { GaugeFamily } from './gaugeFamily.ts'
import { HistogramFamily, type HistogramOptions } from './histogramFamily.ts'
import type { ExpositionFormat, FamilyOptions, MetricFamily } from './metricFamily.ts'
import { assertLabelNames, assertMetricName } from './metricNames.ts'
import { writePromClientMetrics } from './promClientExposition.ts'
import type { SeriesBudget } from './seriesBudget.ts'

/** Content types of the two exposition formats. */
export const CONTENT_TYPES: Readonly<Record<ExpositionFormat, string>> = Object.freeze({
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
})

/** A function run before each scrape to refresh gauges (host usage, outbox size …). Must not throw. */
export type Collector = () => void | Promise<void>

/** Options of {@link createMetricRegistry}. */
export interface MetricRegistryOptions {
  /** Max label sets per metric. Default 2000. */
  readonly maxSeriesPerMetric?: number
  /** prom-client registry whose metrics are appended to the exposition. Default: a new private one. */
  readonly promRegistry?: PromRegistry
}

/**
 * Lookout's metric registry: fast families with pre-bindable children, a cardinality budget, and one
 * exposition writer for Prometheus text 0.0.4 and OpenMetrics 1.0 that also includes a prom-client registry
 * (process metrics, and any prom-client metrics the app registers there).
 */
export interface MetricRegistry {
  /** Registers (or returns the identical existing) counter. Throws coded errors on bad names or conflicts. */
  counter(options: FamilyOptions): CounterFamily
  /** Registers (or returns the identical existing) gauge. */
  gauge(options: FamilyOptions): GaugeFamily
  /** Registers (or returns the identical existing) histogram. */
  histogram(options: HistogramOptions): HistogramFamily
  /** Adds a collector run before every scrape. */
  addCollector(collect: Collector): void
  /** The family registered under `name`, if any. */
  get(name: string): MetricFamily<unknown> | undefined
  /** The prom-client registry included in the exposition. */
  readonly promRegistry: PromRegistry
  /**
   * The exposition as a sequence of text chunks of about 64 KiB, rendered only as the consumer pulls them: a
   * consumer that stops pulling (a slow or gone client) stops the rendering, so memory holds about one chunk, and
   * the event loop gets a turn whenever rendering has run for a few milliseconds. The chunks concatenated are
   * exactly {@link MetricRegistry.expose}'s text. Collectors run before the first chunk.
   */
  exposeChunks(format?: ExpositionFormat): AsyncGenerator<string, void, void>
  /** The whole exposition as one string (the chunks of {@link MetricRegistry.exposeChunks} joined). */
  expose(format?: ExpositionFormat): Promise<string>
  /** `lookout_cardinality_overflow_total{metric}`. */
  readonly overflow: CounterFamily
}

/**
 * Creates a registry. Each `createLookout()` has its own; nothing global.
 *
 * @example
 * const registry = createMetricRegistry({ maxSeriesPerMetric: 500 })
 * registry.counter({ name: 'jobs_total', help: 'Jobs run', labelNames: ['status'] }).labels('ok').inc()
 * await registry.expose('prometheus')
 */
export function createMetricRegistry(options: MetricRegistryOptions = {}): MetricRegistry {
  const families = new Map<string, MetricFamily<unknown>>()
  const collectors: Collector[] = []
  const promRegistry = options.promRegistry ?? new PromRegistry()
  let overflow: CounterFamily | undefined
  const budget: SeriesBudget = {
    maxSeries: options.maxSeriesPerMetric ?? 2000,
    onOverflow(metric) {
      overflow?.labels(metric).inc()
    },
  }
  // The overflow counter has its own generous budget: one series per metric name, which registration bounds.
  const overflowBudget: SeriesBudget = { maxSeries: 100_000, onOverflow() {} }

  function register<F extends MetricFamily<unknown>>(
    options: FamilyOptions,
    type: F['type'],
    create: () => F,
    same: (existing: F) => boolean,
  ): F {
    assertMetricName(options.name)
    assertLabelNames(options.name, options.labelNames ?? [])
    const existing = families.get(options.name)
    if (existing !== undefined) {
      if (
        existing.type === type &&
        sameLabels(existing.labelNames, options.labelNames ?? []) &&
        same(existing as F)
      ) {
        return existing as F
      }
      throw metricConflictError(options.name)
    }
    const family = create()
    families.set(options.name, family as MetricFamily<unknown>)
    return family
  }

  overflow = register(
    {
      name: LOOKOUT_METRIC_NAMES.cardinalityOverflow,
      help: 'Label sets folded into __overflow__ by the cardinality budget',
      labelNames: ['metric'],
    },
    'counter',
    () =>
      new CounterFamily(
        {
          name: LOOKOUT_METRIC_NAMES.cardinalityOverflow,
          help: 'Label sets folded into __overflow__ by the cardinality budget',
          labelNames: ['metric'],
        },
        overflowBudget,
      ),
    () => true,
  )

  const registry: MetricRegistry = {
    counter(o) {
      return register(
        o,
        'counter',
        () => new CounterFamily(o, budget),
        () => true,
      )
    },
    gauge(o) {
      return register(
        o,
        'gauge',
        () => new GaugeFamily(o, budget),
        () => true,
      )
    },
    histogram(o) {
      validateBuckets(o.name, o.buckets)
      return register(
        o,
        'histogram',
        () => new HistogramFamily(o, budget),
        (existing) => sameNumbers(existing.buckets, o.buckets),
      )
    },
    addCollector(collect) {
      collectors.push(collect)
    },
    get(name) {
      return families.get(name)
    },
    promRegistry,
    overflow,
    async *exposeChunks(format = 'prometheus') {
      await Promise.all(
        collectors.map(async (c) => {
          try {
            await c()
          } catch {
            // A failing collector leaves its gauges at their last values; the scrape still succeeds.
          }
        }),
      )
      const out: string[] = []
      let pending = 0
      let counted = 0
      // Render SLICE children at a time; hand out a chunk once CHUNK_CHARS are pending, and give the event loop a
      // turn whenever rendering ran past SLICE_BUDGET_MS, so no scrape stalls requests or holds the whole text.
      let sliceStart = performance.now()
      for (const family of families.values()) {
        const slices = family.writeSlices(out, format, SLICE)
        for (let more = true; more; ) {
          more = slices.next().done !== true
          for (; counted < out.length; counted++) pending += out[counted]!.length
          if (pending >= CHUNK_CHARS) {
            const chunk = out.join('')
            out.length = 0
            counted = 0
            pending = 0
            yield chunk
          }
          if (performance.now() - sliceStart >= SLICE_BUDGET_MS) {
            await yieldToLoop()
            sliceStart = performance.now()
          }
        }
      }
      await writePromClientMetrics(promRegistry, out, format, families)
      if (format === 'openmetrics') out.push('# EOF\n')
      // The tail (prom-client's metrics, rendered in one go by prom-client) is handed out in chunks too.
      for (let i = 0; i < out.length; ) {
        let size = 0
        let j = i
        while (j < out.length && (j === i || size + out[j]!.length <= CHUNK_CHARS)) size += out[j++]!.length
        yield j - i === 1 ? out[i]! : out.slice(i, j).join('')
        i = j
      }
    },
    async expose(format = 'prometheus') {
      let text = ''
      for await (const chunk of registry.exposeChunks(format)) text += chunk
      return text
    },
  }
  return registry
}

const SLICE = 50
const SLICE_BUDGET_MS = 8
const CHUNK_CHARS = 64 * 1024

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

function validateBuckets(name: string, buckets: readonly number[]): void {
  if (!Array.isArray(buckets) || buckets.length === 0)
    throw bucketsInvalidError(name, 'at least one bucket is needed')
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i]!
    if (!Number.isFinite(b)) throw bucketsInvalidError(name, `bucket ${i} is not a finite number`)
    if (i > 0 && b <= buckets[i - 1]!) throw bucketsInvalidError(name, 'buckets must be strictly increasing')
  }
}

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}
