import { type ExpositionFormat, formatValue, MetricFamily } from './metricFamily.ts'

/** One counter series. `value` is public so bound hot paths can increment it directly. */
export class CounterChild {
  value = 0
  /**
   * Expose 0 at the first scrape whatever the value: Prometheus' `rate`/`increase` take the first sample as the
   * baseline, so a series first seen at 1 would never count that increment. Set for every series born after its
   * family was first scraped.
   */
  zeroFirst = false
  /** Adds `n` (default 1). Negative or non-finite amounts are ignored (counters only go up). */
  inc(n = 1): void {
    if (n > 0 && n !== Number.POSITIVE_INFINITY) this.value += n
  }
}

/**
 * A counter family. Name it with `_total`; under OpenMetrics the family is written without the suffix.
 *
 * @example
 * const logins = registry.counter({ name: 'auth_logins_total', help: 'Logins', labelNames: ['status'] })
 * logins.labels('success').inc()
 */
export class CounterFamily extends MetricFamily<CounterChild> {
  readonly type = 'counter' as const

  protected createChild(): CounterChild {
    const child = new CounterChild()
    child.zeroFirst = this.exposed
    return child
  }

  protected writeChild(out: string[], child: CounterChild, labels: string, format: ExpositionFormat): void {
    const name = this.name.endsWith('_total') || format === 'prometheus' ? this.name : `${this.name}_total`
    const value = child.zeroFirst ? 0 : child.value
    child.zeroFirst = false
    out.push(
      labels === ''
        ? `${name} ${formatValue(value)}
`
        : `${name}{${labels}} ${formatValue(value)}
`,
    )
  }
}
