/**
 * The benchmark's server configurations and routes, shared by the throughput runner (run.ts) and the
 * instruction counter (instructions.ts). Each configuration is a script in bench/servers/ plus the feature flags
 * it reads (see lookoutBenchOptions in servers/common.ts).
 */
/** One server configuration. */
export interface Config {
  readonly name: string
  readonly script: string
  readonly features?: string
  readonly env?: Record<string, string>
  readonly description: string
  /** A bare server: configurations whose name starts with its prefix are compared to it. */
  readonly baseline?: boolean
}

export const CONFIGS: readonly Config[] = [
  {
    name: 'fastify-bare',
    script: 'fastify-bare.ts',
    description: 'Fastify, no observability',
    baseline: true,
  },
  {
    name: 'fastify-bare-control',
    script: 'fastify-bare.ts',
    description:
      "A second bare Fastify process measured as a configuration: the method's own bias and noise (ideally 1)",
  },
  {
    name: 'fastify-bare-imported',
    script: 'fastify-bare-imported.ts',
    description:
      'Fastify, no observability, in a process that imported Lookout (module graph loaded, nothing run)',
  },
  {
    name: 'fastify-hook-floor',
    script: 'fastify-hook-floor.ts',
    description:
      'Fastify with the hook mechanics of Lookout and nothing recorded (onRequest hook, request decoration, one header, close listener)',
  },
  {
    name: 'lookout-metrics',
    script: 'fastify-lookout.ts',
    features: 'metrics',
    description: 'Lookout: metrics only',
  },
  {
    name: 'lookout-only-metrics',
    script: 'fastify-lookout.ts',
    features: 'metrics,only',
    description: 'Lookout with only the metrics area on (health, alerting, status, profiling off)',
  },
  {
    name: 'lookout-only-metrics-hook',
    script: 'fastify-lookout.ts',
    features: 'metrics,only,hook',
    description:
      'lookout-only-metrics with requests started in an onRequest hook (startIn: onRequest), for A/B runs',
  },
  ...(['health', 'alerting', 'status', 'profiling'] as const).map((area) => ({
    name: `lookout-metrics-no-${area}`,
    script: 'fastify-lookout.ts',
    features: `metrics,-${area}`,
    description: `lookout-metrics with the ${area} area off, to attribute the idle areas' per-request cost (A/B runs)`,
  })),
  {
    name: 'lookout-metrics-log',
    script: 'fastify-lookout.ts',
    features: 'metrics,log',
    description: 'Lookout: + request log',
  },
  {
    name: 'lookout-metrics-log-context',
    script: 'fastify-lookout.ts',
    features: 'metrics,log,context',
    description: 'Lookout: + context',
  },
  {
    name: 'lookout-full-trace10',
    script: 'fastify-lookout.ts',
    features: 'metrics,log,context,trace10',
    description: 'Lookout full: + tracing 10 %',
  },
  {
    name: 'lookout-full-trace100',
    script: 'fastify-lookout.ts',
    features: 'metrics,log,context,trace100',
    description: 'Lookout full: tracing 100 %',
  },
  {
    name: 'lookout-defaults',
    script: 'fastify-lookout.ts',
    features: 'defaults',
    description: 'Lookout with every default on (SLO, health, store, request log, context) and tracing 10 %',
  },
  {
    name: 'peer-fastify-metrics',
    script: 'fastify-metrics-only.ts',
    description: 'peer: fastify-metrics only',
  },
  {
    name: 'peer-full-trace10',
    script: 'fastify-peer.ts',
    features: 'metrics,log,trace',
    env: { LOOKOUT_BENCH_RATIO: '0.1' },
    description: 'peer: fastify-metrics + pino logging + OTel SDK http + @fastify/otel, 10 %',
  },
  {
    name: 'peer-full-trace100',
    script: 'fastify-peer.ts',
    features: 'metrics,log,trace',
    env: { LOOKOUT_BENCH_RATIO: '1' },
    description: 'peer: same, 100 %',
  },
  {
    name: 'express-bare',
    script: 'express-bare.ts',
    description: 'Express, no observability',
    baseline: true,
  },
  {
    name: 'express-lookout-metrics',
    script: 'express-lookout.ts',
    features: 'metrics',
    description: 'Express + Lookout metrics only',
  },
  {
    name: 'express-lookout-full-trace10',
    script: 'express-lookout.ts',
    features: 'metrics,log,context,trace10',
    description: 'Express + Lookout full, 10 %',
  },
  {
    name: 'express-peer-full-trace10',
    script: 'express-peer.ts',
    features: 'metrics,log,trace',
    env: { LOOKOUT_BENCH_RATIO: '0.1' },
    description: 'Express peer: express-prom-bundle + pino-http + OTel http/express, 10 %',
  },
  { name: 'node-bare', script: 'node-bare.ts', description: 'node:http, no observability', baseline: true },
  {
    name: 'node-lookout-metrics',
    script: 'node-lookout.ts',
    features: 'metrics',
    description: 'node:http + Lookout metrics only',
  },
  {
    name: 'node-lookout-full-trace10',
    script: 'node-lookout.ts',
    features: 'metrics,log,context,trace10',
    description: 'node:http + Lookout full, 10 %',
  },
]

export const ROUTES = {
  hello: { path: '/hello', method: 'GET' as const, body: undefined as string | undefined },
  orders: {
    path: '/orders',
    method: 'POST' as const,
    body: JSON.stringify({ id: 42, qty: 3, note: 'x'.repeat(200) }),
  },
}

/** The bare server a configuration is compared with: its framework's (express-* → express-bare, …). */
export const baselineOf = (name: string) =>
  name.startsWith('express-') ? 'express-bare' : name.startsWith('node-') ? 'node-bare' : 'fastify-bare'

/**
 * The request of one route as autocannon options (url, method, body, content type), for a server on loopback.
 *
 * @example
 * await autocannon({ ...autocannonRequest(port, 'orders'), connections: 8, amount: 1000 })
 */
export function autocannonRequest(port: number, route: keyof typeof ROUTES) {
  const r = ROUTES[route]
  return {
    url: `http://127.0.0.1:${port}${r.path}`,
    method: r.method,
    body: r.body,
    headers: r.body ? { 'content-type': 'application/json' } : {},
  }
}
