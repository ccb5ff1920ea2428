import type { GenerateModel } from './generateModel.ts'

/** One manifest and the file it is written to. */
export interface KubernetesManifest {
  readonly file: string
  readonly manifest: Record<string, unknown>
}

/** Seconds, rounded up, of a millisecond setting. */
const seconds = (ms: number) => Math.ceil(ms / 1000)

/**
 * How the probes and termination follow Lookout's health settings: probe paths are the first
 * path of each `health.paths` list (a list set to `[]` omits the probe); `timeoutSeconds` 1 (probes answer
 * within `health.probeBudgetMs` from cached results); readiness is checked often enough to fail within the
 * drain delay; `terminationGracePeriodSeconds` covers the preStop sleep plus Lookout's own bounded shutdown
 * (`health.shutdown.graceMs`) plus 5 s of margin.
 *
 * @example
 * probeTimings(model) // { readinessPeriodSeconds: 2, terminationGracePeriodSeconds: 30, … }
 */
export function probeTimings(model: GenerateModel) {
  const h = model.config.health
  const drain = seconds(h.shutdown.drainDelayMs)
  const readinessPeriodSeconds = Math.max(1, Math.floor(drain / 2))
  return {
    live: h.paths.live[0],
    ready: h.paths.ready[0],
    startup: h.paths.startup[0],
    timeoutSeconds: 1,
    livenessPeriodSeconds: 10,
    livenessFailureThreshold: 3,
    readinessPeriodSeconds,
    readinessFailureThreshold: 2,
    startupPeriodSeconds: 2,
    startupFailureThreshold: 30,
    preStopSleepSeconds: model.settings.app.preStopSleepSeconds,
    terminationGracePeriodSeconds: model.settings.app.preStopSleepSeconds + seconds(h.shutdown.graceMs) + 5,
  }
}

/**
 * Kubernetes manifests for the service (pure data): Deployment (probes and termination from the health
 * settings, Prometheus scrape annotations, SIGTERM handled by Lookout), Service, ServiceMonitor (Prometheus
 * Operator; bearer token from a Secret when `metrics.token` is set) and PodDisruptionBudget.
 *
 * @example
 * kubernetesManifests(model).map((m) => m.file) // ['deployment.yaml', 'service.yaml', …]
 */
export function kubernetesManifests(model: GenerateModel): KubernetesManifest[] {
  const app = model.settings.app
  const c = model.config
  const name = c.service.toLowerCase().replace(/[^a-z0-9-]/g, '-')
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'lookout' }
  const t = probeTimings(model)
  const separateMetrics = c.metrics.port !== undefined
  const metricsPort = c.metrics.port ?? app.port
  const secretName = `${name}-lookout`
  const probe = (path: string, period: number, failures: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds: period,
    timeoutSeconds: t.timeoutSeconds,
    failureThreshold: failures,
  })
  const env: Record<string, unknown>[] = [
    ...Object.entries(app.env).map(([envName, value]) => ({ name: envName, value })),
    { name: 'LOOKOUT_ENVIRONMENT', value: app.environment },
    { name: 'LOOKOUT_HANDLE_SIGNALS', value: 'true' },
    { name: 'LOOKOUT_INSTANCE', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    {
      name: 'LOOKOUT_OPERATOR_KEYS',
      valueFrom: { secretKeyRef: { name: secretName, key: 'operator-keys' } },
    },
  ]
  if (c.metrics.token !== undefined) {
    env.push({
      name: 'LOOKOUT_METRICS_TOKEN',
      valueFrom: { secretKeyRef: { name: secretName, key: 'metrics-token' } },
    })
  }
  const ports: Record<string, unknown>[] = [{ name: 'http', containerPort: app.port, protocol: 'TCP' }]
  if (separateMetrics) {
    ports.push({ name: 'metrics', containerPort: metricsPort, protocol: 'TCP' })
    env.push({ name: 'LOOKOUT_METRICS_HOST', value: '0.0.0.0' })
  }
  const container: Record<string, unknown> = {
    name: 'app',
    image: app.image,
    imagePullPolicy: 'IfNotPresent',
    ports,
    env,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: false, runAsNonRoot: true },
  }
  if (t.startup !== undefined)
    container.startupProbe = probe(t.startup, t.startupPeriodSeconds, t.startupFailureThreshold)
  if (t.live !== undefined)
    container.livenessProbe = probe(t.live, t.livenessPeriodSeconds, t.livenessFailureThreshold)
  if (t.ready !== undefined)
    container.readinessProbe = probe(t.ready, t.readinessPeriodSeconds, t.readinessFailureThreshold)
  if (t.preStopSleepSeconds > 0)
    container.lifecycle = { preStop: { sleep: { seconds: t.preStopSleepSeconds } } }

  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: app.namespace, labels },
    spec: {
      replicas: app.replicas,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(metricsPort),
            'prometheus.io/path': c.metrics.path,
          },
        },
        spec: {
          terminationGracePeriodSeconds: t.terminationGracePeriodSeconds,
          securityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
          containers: [container],
        },
      },
    },
  }
  const servicePorts: Record<string, unknown>[] = [{ name: 'http', port: app.port, targetPort: 'http' }]
  if (separateMetrics) servicePorts.push({ name: 'metrics', port: metricsPort, targetPort: 'metrics' })
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: app.namespace, labels },
    spec: { selector: labels, ports: servicePorts },
  }
  const endpoint: Record<string, unknown> = {
    port: separateMetrics ? 'metrics' : 'http',
    path: c.metrics.path,
    interval: model.settings.prometheus.scrapeInterval,
    relabelings: [{ targetLabel: 'job', replacement: model.job }],
  }
  if (c.metrics.token !== undefined) endpoint.bearerTokenSecret = { name: secretName, key: 'metrics-token' }
  const serviceMonitor = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name, namespace: app.namespace, labels },
    spec: { selector: { matchLabels: labels }, endpoints: [endpoint] },
  }
  const pdb = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: app.namespace, labels },
    spec:
      app.replicas > 1
        ? { minAvailable: app.replicas - 1, selector: { matchLabels: labels } }
        : { maxUnavailable: 1, selector: { matchLabels: labels } },
  }
  return [
    { file: 'deployment.yaml', manifest: deployment },
    { file: 'service.yaml', manifest: service },
    { file: 'servicemonitor.yaml', manifest: serviceMonitor },
    { file: 'poddisruptionbudget.yaml', manifest: pdb },
  ]
}
