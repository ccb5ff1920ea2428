import assert from 'node:assert/strict'
import { test } from 'node:test'
import { kubernetesManifests, probeTimings } from '../../../src/generate/kubernetesManifests.ts'
import { modelOf } from './model.ts'

type Container = {
  livenessProbe?: { httpGet: { path: string }; timeoutSeconds: number }
  readinessProbe?: { httpGet: { path: string }; periodSeconds: number; failureThreshold: number }
  startupProbe?: { httpGet: { path: string } }
  lifecycle?: { preStop: { sleep: { seconds: number } } }
}
function deployment(project: Parameters<typeof modelOf>[0]) {
  const m = kubernetesManifests(modelOf(project)).find((x) => x.file === 'deployment.yaml')!.manifest as {
    spec: {
      template: {
        spec: { terminationGracePeriodSeconds: number; containers: Container[] }
        metadata: { annotations: Record<string, string> }
      }
    }
  }
  return {
    pod: m.spec.template.spec,
    container: m.spec.template.spec.containers[0]!,
    annotations: m.spec.template.metadata.annotations,
  }
}

test('probes use the health defaults: /health/live, /health/ready, /health/startup with a 1 s timeout', () => {
  const { container } = deployment({ lookout: { service: 'identity' } })
  assert.equal(container.livenessProbe!.httpGet.path, '/health/live')
  assert.equal(container.readinessProbe!.httpGet.path, '/health/ready')
  assert.equal(container.startupProbe!.httpGet.path, '/health/startup')
  assert.equal(container.livenessProbe!.timeoutSeconds, 1)
})

test('readiness fails within the drain delay, and the grace period covers Lookout’s bounded shutdown', () => {
  const model = modelOf({ lookout: { service: 'identity' } })
  const t = probeTimings(model)
  const h = model.config.health.shutdown
  assert.ok(t.readinessPeriodSeconds * t.readinessFailureThreshold <= h.drainDelayMs / 1000)
  const { pod, container } = deployment({ lookout: { service: 'identity' } })
  assert.equal(pod.terminationGracePeriodSeconds, 30) // 25 s grace + 5 s margin: Kubernetes' default
  assert.ok(pod.terminationGracePeriodSeconds > h.graceMs / 1000)
  assert.equal(container.lifecycle, undefined) // Lookout drains in-process; no preStop needed by default
})

test('custom probe paths, shutdown timings and a preStop sleep flow into the Deployment', () => {
  const { pod, container } = deployment({
    lookout: {
      service: 'identity',
      health: {
        paths: { live: ['/livez'], ready: ['/readyz'], startup: [] },
        shutdown: { graceMs: 40_000, drainDelayMs: 10_000 },
      },
    },
    generate: { app: { preStopSleepSeconds: 3 } },
  })
  assert.equal(container.livenessProbe!.httpGet.path, '/livez')
  assert.equal(container.readinessProbe!.httpGet.path, '/readyz')
  assert.equal(container.startupProbe, undefined)
  assert.deepEqual(container.lifecycle, { preStop: { sleep: { seconds: 3 } } })
  assert.equal(pod.terminationGracePeriodSeconds, 3 + 40 + 5)
  assert.equal(container.readinessProbe!.periodSeconds, 5)
})

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML documents read field by field.
type Manifest = any

test('scrape annotations, ServiceMonitor and PodDisruptionBudget follow the metrics settings and replicas', () => {
  const model = modelOf({
    lookout: { service: 'identity', metrics: { port: 9464, token: 'token-0123456789abcdef' } },
    generate: { app: { replicas: 3 } },
  })
  const all = Object.fromEntries(kubernetesManifests(model).map((m) => [m.file, m.manifest])) as Record<
    string,
    Manifest
  >
  assert.equal(all['deployment.yaml'].spec.template.metadata.annotations['prometheus.io/port'], '9464')
  const endpoint = all['servicemonitor.yaml'].spec.endpoints[0]
  assert.equal(endpoint.port, 'metrics')
  assert.deepEqual(endpoint.bearerTokenSecret, { name: 'identity-lookout', key: 'metrics-token' })
  assert.equal(all['poddisruptionbudget.yaml'].spec.minAvailable, 2)
  assert.deepEqual(
    all['service.yaml'].spec.ports.map((p: { name: string }) => p.name),
    ['http', 'metrics'],
  )
})

function containerEnv(project: Parameters<typeof modelOf>[0]): Record<string, string | undefined> {
  const m = kubernetesManifests(modelOf(project)).find((x) => x.file === 'deployment.yaml')!.manifest as {
    spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } }
  }
  return Object.fromEntries(m.spec.template.spec.containers[0]!.env.map((e) => [e.name, e.value]))
}

test('the Deployment runs in production unless the config names another environment, and invents no HOST/PORT', () => {
  const env = containerEnv({ lookout: { service: 'identity' } })
  assert.equal(env.LOOKOUT_ENVIRONMENT, 'production')
  assert.ok(!('HOST' in env) && !('PORT' in env), Object.keys(env).join(', '))
  assert.equal(
    containerEnv({ lookout: { service: 'identity' }, generate: { app: { environment: 'staging' } } })
      .LOOKOUT_ENVIRONMENT,
    'staging',
  )
})

test('the Deployment passes the environment the config gives for the application, e.g. its listen address', () => {
  const env = containerEnv({
    lookout: { service: 'identity' },
    generate: { app: { port: 3000, env: { LISTEN_HOST: '0.0.0.0', LISTEN_PORT: '3000' } } },
  })
  assert.equal(env.LISTEN_HOST, '0.0.0.0')
  assert.equal(env.LISTEN_PORT, '3000')
})
