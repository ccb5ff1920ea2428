/**
 * The demo's project config: the Lookout options `main.ts` starts the service with, and the settings of the
 * generated stack (`npm run generate:example` → deploy/generated/, used by deploy/compose.yaml).
 */
import type { LookoutProjectConfig } from 'lookout/generate'

const config = {
  lookout: {
    service: 'identity-service',
    version: '0.1.0',
    metrics: { tenantLabel: true },
    // The demo's tenants: X-Tenant-Id values become labels and SLO tenants only for configured (or app-vouched)
    // tenants, so a scan with random values counts as `other`.
    http: { tenants: ['acme', 'globex'] },
    slo: {
      // The built-in three (99.9 % availability, p95 ≤ 300 ms, p99 ≤ 800 ms over 30 days), with acme's
      // contract allowing a slower p95.
      tenants: { acme: [{ name: 'latency-p95', threshold: '500ms' }] },
    },
  },
  generate: {
    // The demo reads its listen address from HOST and PORT.
    app: {
      targets: ['app:8000'],
      image: 'lookout-identity-demo:latest',
      env: { HOST: '0.0.0.0', PORT: '8000' },
    },
    alertmanager: { receiver: 'lookout', lookoutUrl: 'http://app:8000' },
    // Page on the tail too: p99 above 2 s (beside the default p95 above 1 s).
    alerts: { latencyP99Seconds: 2 },
  },
} satisfies LookoutProjectConfig

export default config
