import { OVERFLOW_VALUE } from './conventions.ts'
import { escapeHelp, escapeLabelValue } from './metricNames.ts'
import type { SeriesBudget } from './seriesBudget.ts'

/** Output format of an exposition. */
export type ExpositionFormat = 'prometheus' | 'openmetrics'

/** What every family is created with. */
export interface FamilyOptions {
  /** Metric name (validated at registration). */
  readonly name: string
  /** HELP text. */
  readonly help: string
  /** Label names, in the order values are passed to `labels()`. Default none. */
  readonly labelNames?: readonly string[]
}

const SEP = '\u0001'
const MAX_LABEL_VALUE = 256

/**
 * Base of the counter, gauge and histogram families: label-set → child storage admitted by the cardinality
 * budget. `labels()` returns the same child object for the same values, so hot paths can bind once and then do
 * plain field increments (see `httpMetrics.ts`).
 */
export abstract class MetricFamily<C> {
  readonly name: string
  readonly help: string
  readonly labelNames: readonly string[]
  abstract readonly type: 'counter' | 'gauge' | 'histogram'
  protected readonly children = new Map<string, C>()
  protected readonly labelStrings = new Map<C, string>()
  private overflowChild: C | undefined
  private readonly budget: SeriesBudget

  constructor(options: FamilyOptions, budget: SeriesBudget) {
    this.name = options.name
    this.help = options.help
    this.labelNames = Object.freeze([...(options.labelNames ?? [])])
    this.budget = budget
  }

  /**
   * The child for these label values (created on first use, within the budget). Never throws: wrong arity is
   * padded/truncated, non-strings are stringified, values over 256 chars are cut.
   */
  labels(...values: string[]): C {
    const key = values.length === 1 ? values[0]! : values.join(SEP)
    const child = this.children.get(key)
    if (child !== undefined) return child
    return this.admit(key, values)
  }

  /** Number of label sets currently held (the overflow series not included). */
  get size(): number {
    return this.children.size
  }

  /** Calls `fn` with each held label set's values and child (the overflow series not included). */
  forEachChild(fn: (values: readonly string[], child: C) => void): void {
    for (const [key, child] of this.children) fn(key.split(SEP), child)
  }

  /** Drops one label set (e.g. a component that no longer exists). */
  remove(...values: string[]): void {
    const key = values.length === 1 ? values[0]! : values.join(SEP)
    const child = this.children.get(key)
    if (child === undefined) return
    this.children.delete(key)
    this.labelStrings.delete(child)
  }

  /** Drops every label set. */
  clear(): void {
    this.children.clear()
    this.labelStrings.clear()
    this.overflowChild = undefined
  }

  protected abstract createChild(): C

  /** The family has been written at least once (a scraper has seen it). */
  exposed = false

  /** Appends one child's samples to `out`. */
  protected abstract writeChild(out: string[], child: C, labels: string, format: ExpositionFormat): void

  /** Appends this family's exposition text to `out` in one go. */
  write(out: string[], format: ExpositionFormat): void {
    for (const _ of this.writeSlices(out, format, Number.POSITIVE_INFINITY)) {
      // drain
    }
  }

  /**
   * Appends this family's text to `out`, pausing (yielding) every `sliceSize` children so the caller can give the
   * event loop a turn between slices: one 10 000-series histogram would otherwise block for hundreds of ms.
   */
  *writeSlices(out: string[], format: ExpositionFormat, sliceSize: number): Generator<void, void, void> {
    this.exposed = true
    if (this.labelStrings.size === 0) return
    this.header(out, format)
    let n = 0
    for (const [child, labels] of this.labelStrings) {
      this.writeChild(out, child, labels, format)
      if (++n >= sliceSize) {
        n = 0
        yield
      }
    }
  }

  protected header(out: string[], format: ExpositionFormat): void {
    const familyName =
      format === 'openmetrics' && this.type === 'counter' && this.name.endsWith('_total')
        ? this.name.slice(0, -6)
        : this.name
    out.push(`# HELP ${familyName} ${escapeHelp(this.help)}\n# TYPE ${familyName} ${this.type}\n`)
  }

  private admit(key: string, rawValues: readonly unknown[]): C {
    if (this.children.size >= this.budget.maxSeries) {
      this.budget.onOverflow(this.name)
      if (this.overflowChild === undefined) {
        this.overflowChild = this.createChild()
        this.labelStrings.set(this.overflowChild, this.render(this.labelNames.map(() => OVERFLOW_VALUE)))
      }
      return this.overflowChild
    }
    const values: string[] = []
    for (let i = 0; i < this.labelNames.length; i++) {
      const v = rawValues[i]
      const text = typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v)
      values.push(text.length > MAX_LABEL_VALUE ? text.slice(0, MAX_LABEL_VALUE) : text)
    }
    const child = this.createChild()
    this.children.set(key, child)
    this.labelStrings.set(child, this.render(values))
    return child
  }

  private render(values: readonly string[]): string {
    let s = ''
    for (let i = 0; i < this.labelNames.length; i++) {
      if (i > 0) s += ','
      s += `${this.labelNames[i]}="${escapeLabelValue(values[i]!)}"`
    }
    return s
  }
}

/** Formats a sample value: integers plainly, `+Inf`/`-Inf`/`NaN` as the formats spell them. */
export function formatValue(v: number): string {
  if (Number.isFinite(v)) return String(v)
  if (Number.isNaN(v)) return 'NaN'
  return v > 0 ? '+Inf' : '-Inf'
}
