import type { MetricRegistry } from '../metrics/metricRegistry.ts'
import {
  DELIVERY_DURATION_BUCKETS,
  type DeliveryOutcomeLabel,
  ALERTING_METRIC_NAMES as N,
} from './conventions.ts'

/** The alerting metrics, registered once per instance. */
export interface AlertingMetrics {
  fired(severity: string): void
  suppressed(): void
  delivery(channel: string, outcome: DeliveryOutcomeLabel): void
  duration(channel: string, seconds: number): void
  /** Adds the `lookout_alert_outbox_pending` collector (reads the count at scrape time, at most every 2 s). */
  pendingCollector(count: () => Promise<number | undefined>): void
}

/**
 * Registers the alerting metrics. Labels are bounded: four severities, four channel types, three outcomes; no
 * tenant label.
 *
 * @example
 * const metrics = createAlertingMetrics(lookout.registry)
 * metrics.fired('critical')
 */
export function createAlertingMetrics(
  registry: MetricRegistry,
  now: () => number = Date.now,
): AlertingMetrics {
  const fired = registry.counter({
    name: N.fired,
    help: 'Alerts routed (not suppressed)',
    labelNames: ['severity'],
  })
  const suppressed = registry.counter({
    name: N.suppressed,
    help: 'Alert repeats suppressed by the cooldown',
  })
  const deliveries = registry.counter({
    name: N.deliveries,
    help: 'Alert delivery attempts by channel type and outcome',
    labelNames: ['channel', 'outcome'],
  })
  const duration = registry.histogram({
    name: N.deliveryDuration,
    help: 'Duration of one alert delivery attempt',
    labelNames: ['channel'],
    buckets: [...DELIVERY_DURATION_BUCKETS],
  })
  const pending = registry.gauge({ name: N.outboxPending, help: 'Alert deliveries pending or in flight' })
  const suppressedChild = suppressed.labels()
  return {
    fired: (severity) => fired.labels(severity).inc(),
    suppressed: () => suppressedChild.inc(),
    delivery: (channel, outcome) => deliveries.labels(channel, outcome).inc(),
    duration: (channel, seconds) => duration.labels(channel).observe(seconds),
    pendingCollector(count) {
      const child = pending.labels()
      let last = 0
      registry.addCollector(async () => {
        if (now() - last < 2000) return
        last = now()
        const n = await count()
        if (n !== undefined) child.set(n)
      })
    },
  }
}
