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

  write(out: string[], format: ExpositionFormat): void {
    if (this.labelStrings.size === 0) return
    this.header(out, format)
    const name = this.name
    for (const [child, labels] of this.entries()) {
      out.push(
        labels === ''
          ? `${name} ${formatValue(child.value)}\n`
          : `${name}{${labels}} ${formatValue(child.value)}\n`,
      )
    }
  }
}
