import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parse } from 'yaml'
import { alertmanagerConfig } from '../../../src/generate/alertmanagerConfig.ts'
import { generateAll, sloRules } from '../../../src/generate/generateAll.ts'
import { prometheusConfig } from '../../../src/generate/prometheusConfig.ts'
import { serviceAlertExpr, serviceAlertSpecs } from '../../../src/generate/serviceAlerts.ts'
import { generateSloRules, sloRuleOptions } from '../../../src/slo/generateSloRules.ts'
import { modelOf } from './model.ts'

test('the service alerts cover errors, latency, auth, lockouts, operator keys, DB, health, scrape, cardinality and telemetry drops', () => {
  const names = serviceAlertSpecs(modelOf({})).map((s) => s.alert)
  assert.deepEqual(names, [
    'LookoutHighErrorRate',
    'LookoutHighLatency',
    'LookoutAuthFailureSpike',
    'LookoutAccountLockoutSpike',
    'LookoutOperatorAuthFailureSpike',
    'LookoutSlowDatabase',
    'LookoutHealthCheckFailing',
    'LookoutTargetDown',
    'LookoutCardinalityOverflow',
    'LookoutSpansDropped',
    'LookoutLogBatchesDropped',
    'LookoutLogLinesDropped',
    'LookoutLogRecordsDropped',
    'LookoutAlertDeliveryDeadLetters',
  ])
})

const errorRate: [string, Parameters<typeof modelOf>[0], string][] = [
  [
    'prometheus names without a tenant label',
    { lookout: { service: 'identity' } },
    '(sum(rate(http_requests_total{job="identity",status=~"5.."}[5m])) or on() vector(0))\n/\nsum(rate(http_requests_total{job="identity"}[5m])) > 0.05',
  ],
  [
    'otel names per tenant, with the configured window and threshold',
    {
      lookout: { service: 'identity', metrics: { conventions: 'otel', tenantLabel: true } },
      generate: { alerts: { window: '10m', errorRatio: 0.02 } },
    },
    '(sum by (tenant) (rate(http_server_request_duration_seconds_count{job="identity",http_response_status_code=~"5.."}[10m])) or 0 * sum by (tenant) (rate(http_server_request_duration_seconds_count{job="identity"}[10m])))\n/\nsum by (tenant) (rate(http_server_request_duration_seconds_count{job="identity"}[10m])) > 0.02',
  ],
  [
    'an extra Prometheus selector and a custom job',
    {
      lookout: { service: 'identity', slo: { prometheusSelector: { namespace: 'prod' } } },
      generate: { job: 'id-api' },
    },
    '(sum(rate(http_requests_total{job="id-api",namespace="prod",status=~"5.."}[5m])) or on() vector(0))\n/\nsum(rate(http_requests_total{job="id-api",namespace="prod"}[5m])) > 0.05',
  ],
]
for (const [what, project, expected] of errorRate) {
  test(`the 5xx alert is generated exactly for ${what}`, () => {
    const spec = serviceAlertSpecs(modelOf(project)).find((s) => s.alert === 'LookoutHighErrorRate')!
    assert.equal(serviceAlertExpr(spec), expected)
  })
}

test('SLO rules are the SLO area’s own generator output with the generated job selector', () => {
  const model = modelOf({ lookout: { service: 'identity', metrics: { tenantLabel: true } } })
  const direct = generateSloRules(model.slos, {
    ...sloRuleOptions(model.config),
    selector: { job: 'identity' },
  })
  assert.deepEqual(sloRules(model), direct)
  const file = generateAll(model).find((f) => f.path === 'prometheus/rules/identity-slo.yaml')!
  assert.equal(parse(file.content).groups.length, direct.groups.length)
})

test('the scrape job sends the metrics token from a file only when a token is configured', () => {
  const without = prometheusConfig(modelOf({ lookout: { service: 'identity' } })) as {
    scrape_configs: Record<string, unknown>[]
  }
  assert.equal(without.scrape_configs[0]!.authorization, undefined)
  const model = modelOf({
    lookout: {
      service: 'identity',
      metrics: { token: 's3cret-token-0123456789', path: '/internal/metrics' },
    },
    generate: { prometheus: { metricsTokenFile: '/run/secrets/token' } },
  })
  const withToken = prometheusConfig(model) as { scrape_configs: Record<string, unknown>[] }
  assert.deepEqual(withToken.scrape_configs[0]!.authorization, {
    type: 'Bearer',
    credentials_file: '/run/secrets/token',
  })
  assert.equal(withToken.scrape_configs[0]!.metrics_path, '/internal/metrics')
  assert.doesNotMatch(
    generateAll(model)
      .map((f) => f.content)
      .join('\n'),
    /s3cret-token/,
  )
})

const receivers: ['lookout' | 'pagerduty' | 'both', string, string[]][] = [
  ['lookout', 'lookout', ['lookout']],
  ['pagerduty', 'pagerduty', ['pagerduty']],
  ['both', 'lookout', ['lookout', 'pagerduty']],
]
for (const [receiver, root, names] of receivers) {
  test(`Alertmanager routing with receiver "${receiver}" uses ${names.join(' and ')}`, () => {
    const cfg = alertmanagerConfig(
      modelOf({
        lookout: { service: 'identity' },
        generate: { alertmanager: { receiver, lookoutUrl: 'http://id:9000/' } },
      }),
    ) as {
      route: { receiver: string; routes?: unknown[] }
      receivers: { name: string; webhook_configs?: { url: string }[] }[]
    }
    assert.equal(cfg.route.receiver, root)
    assert.deepEqual(
      cfg.receivers.map((r) => r.name),
      names,
    )
    const hook = cfg.receivers.find((r) => r.name === 'lookout')
    if (hook) assert.equal(hook.webhook_configs![0]!.url, 'http://id:9000/observability/alerts/alertmanager')
    assert.equal(cfg.route.routes?.length, receiver === 'both' ? 2 : undefined)
  })
}

test('generation is pure: the same model gives the same bytes twice', () => {
  const project = { lookout: { service: 'identity', metrics: { tenantLabel: true } } }
  assert.deepEqual(generateAll(modelOf(project)), generateAll(modelOf(project)))
})
