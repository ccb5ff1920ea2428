import { BUILD_INFO_NAMES, HOST_DISK_LABEL, LOOKOUT_METRIC_NAMES } from '../../metrics/conventions.ts'
import type { Matcher } from '../../slo/promql.ts'
import { DATASOURCE_VARIABLES, type DashboardSpec, type PanelSpec } from '../dashboardSpec.ts'
import { GC_KIND_LABEL, PROMETHEUS_SERIES, RUNTIME_METRIC_NAMES } from '../externalMetricNames.ts'
import type { GenerateModel } from '../generateModel.ts'
import { DASHBOARD_VARS, queryKit } from '../queryKit.ts'
import { dashboardUid } from './dashboardUid.ts'

const RI = DASHBOARD_VARS.rateInterval

/**
 * The infrastructure dashboard: the process and host gauges Lookout exports, per instance — targets up, uptime
 * and the versions running; CPU; resident memory and the V8 heap; event-loop delay and utilisation; garbage
 * collection; libuv handles and requests; open file descriptors against the limit; host CPU, memory and disk.
 * Variables: datasource and instance (multi-select, "All" = `.*`).
 *
 * @example
 * infrastructureDashboard(model).rows.map((r) => r.title)
 */
export function infrastructureDashboard(model: GenerateModel): DashboardSpec {
  const q = queryKit(model, false)
  const I = PROMETHEUS_SERIES.instance
  const perInstance: Matcher[] = [{ label: I, op: '=~', value: DASHBOARD_VARS.instance }]
  const sel = (name: string) => q.sel(name, perInstance)
  const byInstance = (inner: string) => q.agg('max', [I], inner)
  const build = BUILD_INFO_NAMES[model.config.metrics.conventions]
  let id = 0
  const p = (spec: Omit<PanelSpec, 'id' | 'language'>): PanelSpec => ({
    id: ++id,
    language: 'promql',
    ...spec,
  })
  const gauge = (title: string, description: string, name: string, unit: string, width = 8) =>
    p({
      title,
      description,
      type: 'timeseries',
      unit,
      width,
      queries: [{ refId: 'A', expr: byInstance(sel(name)), legend: `{{${I}}}` }],
    })

  const overview = [
    p({
      title: 'Targets up',
      description: 'Whether Prometheus scraped each instance successfully (1 up, 0 down).',
      type: 'timeseries',
      unit: 'short',
      width: 8,
      min: 0,
      max: 1,
      queries: [{ refId: 'A', expr: byInstance(sel(PROMETHEUS_SERIES.up)), legend: `{{${I}}}` }],
    }),
    p({
      title: 'Uptime',
      description: 'Seconds since each instance’s process started; a drop is a restart.',
      type: 'timeseries',
      unit: 's',
      width: 8,
      queries: [
        {
          refId: 'A',
          expr: `time() - ${byInstance(sel(RUNTIME_METRIC_NAMES.startTime))}`,
          legend: `{{${I}}}`,
        },
      ],
    }),
    p({
      title: 'Versions running',
      description: 'Instances per version, commit and Node.js version (from the build-info series).',
      type: 'table',
      width: 8,
      queries: [
        {
          refId: 'A',
          expr: q.agg(
            'count',
            [build.labels.version, build.labels.commit, build.labels.runtime],
            sel(build.metric),
          ),
          legend: `{{${build.labels.version}}} {{${build.labels.commit}}} {{${build.labels.runtime}}}`,
          instant: true,
        },
      ],
    }),
  ]

  const process = [
    p({
      title: 'CPU',
      description: 'CPU seconds per second used by each instance (1 = one core).',
      type: 'timeseries',
      unit: 'percentunit',
      queries: [
        {
          refId: 'A',
          expr: q.sumBy([I], `rate(${sel(RUNTIME_METRIC_NAMES.cpuSeconds)}[${RI}])`),
          legend: `{{${I}}}`,
        },
      ],
    }),
    p({
      title: 'Memory',
      description:
        'Resident set size, V8 heap used and allocated, and external memory (Buffers) per instance.',
      type: 'timeseries',
      unit: 'bytes',
      queries: [
        { refId: 'A', expr: byInstance(sel(RUNTIME_METRIC_NAMES.residentMemory)), legend: `rss {{${I}}}` },
        { refId: 'B', expr: byInstance(sel(RUNTIME_METRIC_NAMES.heapUsed)), legend: `heap used {{${I}}}` },
        { refId: 'C', expr: byInstance(sel(RUNTIME_METRIC_NAMES.heapTotal)), legend: `heap total {{${I}}}` },
        {
          refId: 'D',
          expr: byInstance(sel(RUNTIME_METRIC_NAMES.externalMemory)),
          legend: `external {{${I}}}`,
        },
      ],
    }),
  ]

  const eventLoop = [
    p({
      title: 'Event-loop delay',
      description: 'p99 and mean event-loop delay per instance over prom-client’s monitoring window.',
      type: 'timeseries',
      unit: 's',
      width: 8,
      queries: [
        { refId: 'A', expr: byInstance(sel(RUNTIME_METRIC_NAMES.eventLoopLagP99)), legend: `p99 {{${I}}}` },
        { refId: 'B', expr: byInstance(sel(RUNTIME_METRIC_NAMES.eventLoopLagMean)), legend: `mean {{${I}}}` },
      ],
    }),
    gauge(
      'Event-loop utilisation',
      'Share of time the event loop was busy since the previous scrape, per instance.',
      RUNTIME_METRIC_NAMES.eventLoopUtilization,
      'percentunit',
    ),
    p({
      title: 'Garbage collection',
      description:
        'Seconds per second spent in GC pauses, per instance and kind (minor, major, incremental …).',
      type: 'timeseries',
      unit: 'percentunit',
      width: 8,
      queries: [
        {
          refId: 'A',
          expr: q.sumBy([I, GC_KIND_LABEL], `rate(${sel(`${RUNTIME_METRIC_NAMES.gcDuration}_sum`)}[${RI}])`),
          legend: `{{${GC_KIND_LABEL}}} {{${I}}}`,
        },
      ],
    }),
  ]

  const resources = [
    p({
      title: 'Handles and requests',
      description:
        'libuv handles (sockets, timers, servers) and requests (file system, DNS) per instance; a steady climb is a leak.',
      type: 'timeseries',
      unit: 'short',
      queries: [
        { refId: 'A', expr: byInstance(sel(RUNTIME_METRIC_NAMES.activeHandles)), legend: `handles {{${I}}}` },
        {
          refId: 'B',
          expr: byInstance(sel(RUNTIME_METRIC_NAMES.activeRequests)),
          legend: `requests {{${I}}}`,
        },
      ],
    }),
    p({
      title: 'Open file descriptors',
      description: 'Open file descriptors as a share of the process limit, per instance (Linux).',
      type: 'timeseries',
      unit: 'percentunit',
      min: 0,
      queries: [
        {
          refId: 'A',
          expr: `${byInstance(sel(RUNTIME_METRIC_NAMES.openFds))}\n/\n${byInstance(sel(RUNTIME_METRIC_NAMES.maxFds))}`,
          legend: `{{${I}}}`,
        },
      ],
    }),
  ]

  const host = [
    gauge(
      'Host CPU',
      'CPU utilisation of the machine each instance runs on, since the previous scrape.',
      LOOKOUT_METRIC_NAMES.hostCpu,
      'percentunit',
    ),
    gauge(
      'Host memory',
      'Memory in use on the machine each instance runs on.',
      LOOKOUT_METRIC_NAMES.hostMemory,
      'percentunit',
    ),
    p({
      title: 'Host disk',
      description: 'File-system space in use for the configured path (metrics.diskPath), per instance.',
      type: 'timeseries',
      unit: 'percentunit',
      width: 8,
      queries: [
        {
          refId: 'A',
          expr: q.agg('max', [I, HOST_DISK_LABEL], sel(LOOKOUT_METRIC_NAMES.hostDisk)),
          legend: `{{${HOST_DISK_LABEL}}} {{${I}}}`,
        },
      ],
    }),
  ]

  const service = model.config.service
  return {
    uid: dashboardUid(service, 'infra'),
    title: `${service} / Infrastructure`,
    description: `Process and host resources of ${service}, per instance (generated by Lookout).`,
    tags: ['lookout', service, 'infrastructure'],
    file: `${service}-infrastructure.json`,
    from: 'now-6h',
    variables: [
      {
        name: DATASOURCE_VARIABLES.prometheus,
        label: 'Prometheus',
        kind: 'datasource',
        datasource: 'prometheus',
      },
      {
        name: DASHBOARD_VARS.instance.slice(1),
        label: 'Instance',
        kind: 'query',
        datasource: 'prometheus',
        query: `label_values(${q.sel(PROMETHEUS_SERIES.up)}, ${I})`,
        includeAll: true,
        multi: true,
        allValue: '.*',
      },
    ],
    rows: [
      { title: 'Instances', panels: overview },
      { title: 'Process', panels: process },
      { title: 'Event loop and GC', panels: eventLoop },
      { title: 'Handles and file descriptors', panels: resources },
      { title: 'Host', panels: host },
    ],
  }
}
