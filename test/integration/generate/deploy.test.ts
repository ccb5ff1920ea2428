// deploy/: the compose stack and the generated Kubernetes manifests, validated for shape (no Docker or cluster
// here): every service is present, every port is bound to 127.0.0.1, every mounted config exists and is the
// generated one, images are pinned, and the manifests parse with the fields Kubernetes requires.
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { test } from 'node:test'
import { parse, parseAllDocuments } from 'yaml'

const DEPLOY = new URL('../../../deploy/', import.meta.url).pathname
const compose = parse(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8')) as {
  services: Record<
    string,
    {
      image?: string
      build?: unknown
      ports?: string[]
      volumes?: string[]
      command?: string[]
      secrets?: string[]
    }
  >
  secrets: Record<string, { file: string }>
}

test('the compose stack has the app and the six backends', () => {
  assert.deepEqual(Object.keys(compose.services).sort(), [
    'alertmanager',
    'app',
    'grafana',
    'loki',
    'otel-collector',
    'prometheus',
    'tempo',
  ])
})

test('every published port is bound to 127.0.0.1', () => {
  for (const [name, svc] of Object.entries(compose.services)) {
    assert.ok((svc.ports ?? []).length > 0, `${name} publishes nothing`)
    for (const p of svc.ports ?? []) assert.match(p, /^127\.0\.0\.1:\d+:\d+$/, `${name}: ${p}`)
  }
})

test('every bind-mounted config exists, and Prometheus, Alertmanager and Grafana mount the generated files', () => {
  const mounts: Record<string, string[]> = {}
  for (const [name, svc] of Object.entries(compose.services)) {
    for (const v of svc.volumes ?? []) {
      const [source, target] = v.split(':')
      if (!source!.startsWith('.')) continue // named volume
      mounts[name] = [...(mounts[name] ?? []), `${source}:${target}`]
      if (source === './secrets/operator-key') continue // created locally, documented in compose.yaml
      assert.ok(existsSync(resolve(DEPLOY, source!)), `${name} mounts missing ${source}`)
    }
  }
  assert.ok(mounts.prometheus!.includes('./generated/prometheus:/etc/prometheus'))
  assert.ok(
    mounts.alertmanager!.includes(
      './generated/alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml',
    ),
  )
  assert.ok(mounts.grafana!.includes('./generated/grafana/provisioning:/etc/grafana/provisioning'))
  assert.ok(mounts.grafana!.includes('./generated/grafana/dashboards:/var/lib/grafana/dashboards'))
  // The generated files point where these mounts put things.
  const am = readFileSync(join(DEPLOY, 'generated/alertmanager/alertmanager.yml'), 'utf8')
  assert.match(am, /credentials_file: \/etc\/alertmanager\/secrets\/operator-key/)
  assert.match(am, /url: http:\/\/app:8000\/observability\/alerts\/alertmanager/)
  const provider = readFileSync(
    join(DEPLOY, 'generated/grafana/provisioning/dashboards/lookout.yaml'),
    'utf8',
  )
  assert.match(provider, /path: \/var\/lib\/grafana\/dashboards/)
  assert.equal(compose.secrets.operator_key!.file, './secrets/operator-key')
})

test('backend images are pinned to a version', () => {
  for (const [name, svc] of Object.entries(compose.services)) {
    if (svc.build !== undefined) continue
    assert.match(svc.image ?? '', /^[a-z0-9/._-]+:v?\d+\.\d+\.\d+$/, `${name}: ${svc.image}`)
  }
})

test('the collector sends OTLP traces to Tempo, and the app sends to the collector and Loki', () => {
  const collector = parse(readFileSync(join(DEPLOY, 'otel-collector.yaml'), 'utf8'))
  assert.deepEqual(collector.service.pipelines.traces.exporters, ['otlp/tempo'])
  assert.equal(collector.exporters['otlp/tempo'].endpoint, 'tempo:4317')
  const tempo = parse(readFileSync(join(DEPLOY, 'tempo.yaml'), 'utf8'))
  assert.equal(tempo.distributor.receivers.otlp.protocols.grpc.endpoint, '0.0.0.0:4317')
  const app = compose.services.app as unknown as { environment: Record<string, string> }
  assert.equal(app.environment.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel-collector:4318')
  assert.equal(app.environment.LOOKOUT_LOKI_URL, 'http://loki:3100')
  const loki = parse(readFileSync(join(DEPLOY, 'loki.yaml'), 'utf8'))
  assert.equal(loki.limits_config.allow_structured_metadata, true)
})

test('the generated Kubernetes manifests parse as single documents with apiVersion, kind and metadata', () => {
  const dir = join(DEPLOY, 'generated/kubernetes')
  const kinds = readdirSync(dir).map((f) => {
    const docs = parseAllDocuments(readFileSync(join(dir, f), 'utf8'))
    assert.equal(docs.length, 1)
    const m = docs[0]!.toJS() as {
      apiVersion: string
      kind: string
      metadata: { name: string; namespace: string }
    }
    assert.ok(m.apiVersion && m.metadata.name && m.metadata.namespace, f)
    return m.kind
  })
  assert.deepEqual(kinds.sort(), ['Deployment', 'PodDisruptionBudget', 'Service', 'ServiceMonitor'])
})
