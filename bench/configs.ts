/**
 * The benchmark's rows and targets. Each row is a server script of bench/servers/ (run from the app outside the
 * repository, see app.ts) plus what it is configured with: Lookout options added to the README's registration, or
 * environment for a peer stack. Every row is measured against its framework's bare server, co-scheduled
 * (coscheduled.ts), on `GET /users/:id`.
 */
import type { TargetSpec } from './report.ts'

/** The path every server is driven on (`GET /users/:id`, a small JSON answer). */
export const ROUTE_PATH = '/users/42'

/** A framework's bare server: the row every configuration of that framework is compared with. */
export type Framework = 'fastify' | 'express' | 'node'

/** One server configuration. */
export interface Config {
  readonly name: string
  /** The script in bench/servers/. */
  readonly script: string
  readonly framework: Framework
  /** What the row is, as the results table names it. */
  readonly label: string
  /** Lookout options added to the README's `{ service, metrics: { token } }`; `otlp` is the sink's base URL. */
  readonly lookoutOptions?: (otlp: string) => Record<string, unknown>
  /** Extra environment (a peer stack's sampling ratio). */
  readonly env?: Readonly<Record<string, string>>
}

/** The per-request areas off: what "only" leaves out (probes and shedding, SLO counting, alerting, status). */
const OTHER_AREAS_OFF = {
  health: { enabled: false },
  slo: { enabled: false },
  alerting: { enabled: false },
  status: { enabled: false },
}

/** Metrics, request log, context and tracing at `sampleRate` exported to the sink; the other areas off. */
const full =
  (sampleRate: number) =>
  (otlp: string): Record<string, unknown> => ({
    tracing: { endpoint: otlp, sampleRate },
    ...OTHER_AREAS_OFF,
  })

/** The bare servers. */
export const BARE: Readonly<Record<Framework, Config>> = {
  fastify: { name: 'fastify-bare', script: 'fastify-bare.mjs', framework: 'fastify', label: 'bare Fastify' },
  express: { name: 'express-bare', script: 'express-bare.mjs', framework: 'express', label: 'bare Express' },
  node: { name: 'node-bare', script: 'node-bare.mjs', framework: 'node', label: 'bare node:http' },
}

/** Every measured row, in the order of the results table. */
export const CONFIGS: readonly Config[] = [
  {
    name: 'fastify-bare-control',
    script: 'fastify-bare.mjs',
    framework: 'fastify',
    label: "control: a second bare Fastify (the method's own bias, ideally 1)",
  },
  {
    name: 'lookout-metrics-only',
    script: 'fastify-lookout.mjs',
    framework: 'fastify',
    label: 'Lookout, metrics area only',
    lookoutOptions: () => ({
      logging: { requestLog: { enabled: false }, context: false, events: false },
      tracing: { enabled: false },
      ...OTHER_AREAS_OFF,
    }),
  },
  {
    name: 'lookout-readme',
    script: 'fastify-lookout.mjs',
    framework: 'fastify',
    label: 'Lookout as the README registers it (`app.register(lookout, { service })`)',
  },
  {
    name: 'lookout-full-trace10',
    script: 'fastify-lookout.mjs',
    framework: 'fastify',
    label: 'Lookout, metrics + request log + context + tracing 10 % to the OTLP sink',
    lookoutOptions: full(0.1),
  },
  {
    name: 'lookout-full-trace100',
    script: 'fastify-lookout.mjs',
    framework: 'fastify',
    label: 'Lookout, the same with tracing 100 %',
    lookoutOptions: full(1),
  },
  {
    name: 'fastify-metrics',
    script: 'fastify-metrics.mjs',
    framework: 'fastify',
    label: 'peer: fastify-metrics',
  },
  {
    name: 'fastify-logger',
    script: 'fastify-logger.mjs',
    framework: 'fastify',
    label: "peer: Fastify's own request logging (`Fastify({ logger: true })`, pino to stdout)",
  },
  {
    name: 'peer-full-trace10',
    script: 'fastify-peer.mjs',
    framework: 'fastify',
    label:
      'peer stack: fastify-metrics + pino logging + OTel SDK http + @fastify/otel, 10 % to the OTLP sink',
    env: { BENCH_TRACE_RATIO: '0.1' },
  },
  {
    name: 'peer-full-trace100',
    script: 'fastify-peer.mjs',
    framework: 'fastify',
    label: 'peer stack, tracing 100 %',
    env: { BENCH_TRACE_RATIO: '1' },
  },
  {
    name: 'express-lookout-full-trace10',
    script: 'express-lookout.mjs',
    framework: 'express',
    label: 'Express + Lookout, metrics + request log + context + tracing 10 %',
    lookoutOptions: full(0.1),
  },
  {
    name: 'express-peer-full-trace10',
    script: 'express-peer.mjs',
    framework: 'express',
    label: 'Express peer: express-prom-bundle + pino-http + OTel SDK http + express, 10 %',
    env: { BENCH_TRACE_RATIO: '0.1' },
  },
  {
    name: 'node-lookout-full-trace10',
    script: 'node-lookout.mjs',
    framework: 'node',
    label: 'node:http + Lookout, metrics + request log + context + tracing 10 %',
    lookoutOptions: full(0.1),
  },
]

/** Rows measured again with the load generator's core kept polling (`--host-tuned`): extra, labelled rows. */
export const HOST_TUNED_ROWS = ['lookout-metrics-only', 'lookout-readme'] as const

/** The budget, judged per Node version on the co-scheduled rows measured as-is. */
export const TARGETS: readonly TargetSpec[] = [
  { label: 'metrics only ≥ 0.90 of bare', row: 'lookout-metrics-only', min: 0.9 },
  { label: "the README's configuration ≥ 0.80 of bare", row: 'lookout-readme', min: 0.8 },
  {
    label: 'metrics + request log + context + tracing 10 % ≥ 0.70 of bare',
    row: 'lookout-full-trace10',
    min: 0.7,
  },
  {
    label: 'the same ≥ 3× the peer stack at 10 %',
    row: 'lookout-full-trace10',
    over: 'peer-full-trace10',
    min: 3,
  },
  { label: 'tracing 100 % ≥ 0.55 of bare', row: 'lookout-full-trace100', min: 0.55 },
  { label: 'Express, full stack ≥ 0.80 of bare Express', row: 'express-lookout-full-trace10', min: 0.8 },
  { label: 'node:http, full stack ≥ 0.80 of bare node:http', row: 'node-lookout-full-trace10', min: 0.8 },
]
