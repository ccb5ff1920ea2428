/**
 * Names Lookout exposes but does not define itself: prom-client's default Node.js collectors (registered by
 * `registerProcessMetrics`) and the series Prometheus creates on its own (`up`, `ALERTS`). Generated queries
 * read these constants, never string literals; the end-to-end test proves each one has data.
 */
export const RUNTIME_METRIC_NAMES = Object.freeze({
  /** Counter: user + system CPU seconds of the process. */
  cpuSeconds: 'process_cpu_seconds_total',
  /** Gauge: resident set size in bytes. */
  residentMemory: 'process_resident_memory_bytes',
  /** Gauge: V8 heap in use, bytes. */
  heapUsed: 'nodejs_heap_size_used_bytes',
  /** Gauge: event-loop delay, 99th percentile over the monitoring window (seconds). */
  eventLoopLagP99: 'nodejs_eventloop_lag_p99_seconds',
  /** Gauge: mean event-loop delay (seconds). */
  eventLoopLagMean: 'nodejs_eventloop_lag_mean_seconds',
  /** Gauge: event-loop utilisation since the previous scrape (Lookout adds it next to prom-client's). */
  eventLoopUtilization: 'nodejs_eventloop_utilization_ratio',
  /** Gauge: V8 heap allocated, bytes. */
  heapTotal: 'nodejs_heap_size_total_bytes',
  /** Gauge: memory of C++ objects bound to JavaScript objects (Buffers …), bytes. */
  externalMemory: 'nodejs_external_memory_bytes',
  /** Histogram: garbage-collection pauses (seconds), label `kind` (minor, major, incremental, weakcb). */
  gcDuration: 'nodejs_gc_duration_seconds',
  /** Gauge: libuv handles keeping the event loop alive (sockets, timers, servers …). */
  activeHandles: 'nodejs_active_handles_total',
  /** Gauge: libuv requests in progress (file system, DNS …). */
  activeRequests: 'nodejs_active_requests_total',
  /** Gauge: open file descriptors (Linux). */
  openFds: 'process_open_fds',
  /** Gauge: the process's file-descriptor limit (Linux). */
  maxFds: 'process_max_fds',
  /** Gauge: process start time, seconds since the epoch. */
  startTime: 'process_start_time_seconds',
})

/** Label of prom-client's garbage-collection histogram. */
export const GC_KIND_LABEL = 'kind'

/** Series Prometheus itself writes. */
export const PROMETHEUS_SERIES = Object.freeze({
  /** 1 when the last scrape of a target succeeded. */
  up: 'up',
  /** One series per pending/firing alert, label `alertstate`. */
  alerts: 'ALERTS',
  /** Label of `ALERTS`. */
  alertState: 'alertstate',
  /** Label of `ALERTS` and every alert. */
  alertName: 'alertname',
  /** Label Prometheus puts on every scraped series. */
  job: 'job',
  /** Label Prometheus puts on every scraped series: the target's host:port. */
  instance: 'instance',
})
