import { statfs } from 'node:fs/promises'
import { cpus, freemem, totalmem } from 'node:os'
import { performance } from 'node:perf_hooks'
import { collectDefaultMetrics } from 'prom-client'
import { HOST_DISK_LABEL, LOOKOUT_METRIC_NAMES } from './conventions.ts'
import type { MetricRegistry } from './metricRegistry.ts'

/** Options of {@link registerProcessMetrics}. */
export interface ProcessMetricsOptions {
  /** prom-client's default Node.js metrics (CPU, memory, event-loop lag, GC, handles). Default `true`. */
  readonly process: boolean
  /** Host CPU %, memory %, disk % gauges. Default `true`. */
  readonly host: boolean
  /** Path whose file-system usage is reported. Default `/`. */
  readonly diskPath: string
}

/**
 * Registers runtime and host metrics on a registry:
 * - prom-client's defaults (`process_cpu_seconds_total`, `process_resident_memory_bytes`,
 *   `nodejs_eventloop_lag_seconds`, `nodejs_gc_duration_seconds`, `nodejs_active_handles`, …);
 * - `nodejs_eventloop_utilization_ratio` (since the previous scrape);
 * - `lookout_host_cpu_utilization_ratio`, `lookout_host_memory_utilization_ratio`,
 *   `lookout_host_disk_utilization_ratio{mountpoint}`.
 *
 * @example
 * registerProcessMetrics(registry, { process: true, host: true, diskPath: '/' })
 */
export function registerProcessMetrics(registry: MetricRegistry, options: ProcessMetricsOptions): void {
  if (options.process) {
    collectDefaultMetrics({ register: registry.promRegistry, eventLoopMonitoringPrecision: 20 })
    const elu = registry.gauge({
      name: 'nodejs_eventloop_utilization_ratio',
      help: 'Event-loop utilisation (0-1) since the previous scrape',
    })
    let last = performance.eventLoopUtilization()
    registry.addCollector(() => {
      const now = performance.eventLoopUtilization()
      elu.labels().set(performance.eventLoopUtilization(now, last).utilization)
      last = now
    })
  }
  if (options.host) {
    const cpu = registry.gauge({
      name: LOOKOUT_METRIC_NAMES.hostCpu,
      help: 'Host CPU utilisation (0-1) since the previous scrape',
    })
    const mem = registry.gauge({ name: LOOKOUT_METRIC_NAMES.hostMemory, help: 'Host memory in use (0-1)' })
    const disk = registry.gauge({
      name: LOOKOUT_METRIC_NAMES.hostDisk,
      help: 'File-system space in use (0-1) for the configured path',
      labelNames: [HOST_DISK_LABEL],
    })
    let lastCpu = cpuTimes()
    registry.addCollector(async () => {
      const now = cpuTimes()
      const total = now.total - lastCpu.total
      if (total > 0) cpu.labels().set(1 - (now.idle - lastCpu.idle) / total)
      lastCpu = now
      const totalMem = totalmem()
      if (totalMem > 0) mem.labels().set(1 - freemem() / totalMem)
      try {
        const s = await statfs(options.diskPath)
        if (s.blocks > 0) disk.labels(options.diskPath).set(1 - s.bavail / s.blocks)
      } catch {
        // Path missing or not stat-able: leave the gauge absent rather than report a wrong figure.
      }
    })
  }
}

function cpuTimes(): { idle: number; total: number } {
  let idle = 0
  let total = 0
  for (const c of cpus()) {
    idle += c.times.idle
    total += c.times.idle + c.times.user + c.times.sys + c.times.nice + c.times.irq
  }
  return { idle, total }
}
