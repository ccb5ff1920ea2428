import { type ExpositionFormat, formatValue, MetricFamily } from './metricFamily.ts'

/** One gauge series. */
export class GaugeChild {
  value = 0
  set(v: number): void {
    this.value = v
  }
  inc(n = 1): void {
    this.value += n
  }
  dec(n = 1): void {
    this.value -= n
  }
}

/**
 * A gauge family.
 *
 * @example
 * const pending = registry.gauge({ name: 'lookout_alert_outbox_pending', help: 'Pending deliveries' })
 * pending.labels().set(3)
 */
export class GaugeFamily extends MetricFamily<GaugeChild> {
  readonly type = 'gauge' as const

  protected createChild(): GaugeChild {
    return new GaugeChild()
  }

  protected writeChild(out: string[], child: GaugeChild, labels: string, _format: ExpositionFormat): void {
    out.push(
      labels === ''
        ? `${this.name} ${formatValue(child.value)}
`
        : `${this.name}{${labels}} ${formatValue(child.value)}
`,
    )
  }
}
