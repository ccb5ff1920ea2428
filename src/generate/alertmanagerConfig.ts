import { SLO_LABELS } from '../slo/conventions.ts'
import { PROMETHEUS_SERIES } from './externalMetricNames.ts'
import type { GenerateModel } from './generateModel.ts'

/** Path of Lookout's Alertmanager webhook receiver (src/alerting/alertingRoutes.ts). */
export const ALERTMANAGER_RECEIVER_PATH = '/observability/alerts/alertmanager'

/** Receiver names in the generated Alertmanager config. */
export const ALERTMANAGER_RECEIVERS = Object.freeze({ lookout: 'lookout', pagerduty: 'pagerduty' })

/**
 * `alertmanager.yml` (pure data). `receiver: lookout` posts every group to the service's Alertmanager receiver
 * (operator key from a file; Lookout routes per tenant, deduplicates and delivers through its outbox);
 * `pagerduty` sends straight to PagerDuty Events v2 (routing key from a file); `both` pages critical alerts
 * directly and sends everything to Lookout. Groups by alert name, service, tenant and severity.
 *
 * @example
 * stringify(alertmanagerConfig(model))
 */
export function alertmanagerConfig(model: GenerateModel): Record<string, unknown> {
  const s = model.settings.alertmanager
  const lookout = {
    name: ALERTMANAGER_RECEIVERS.lookout,
    webhook_configs: [
      {
        url: `${s.lookoutUrl.replace(/\/$/, '')}${ALERTMANAGER_RECEIVER_PATH}`,
        send_resolved: true,
        max_alerts: 0,
        http_config: { authorization: { type: 'Bearer', credentials_file: s.operatorKeyFile } },
      },
    ],
  }
  const pagerduty = {
    name: ALERTMANAGER_RECEIVERS.pagerduty,
    pagerduty_configs: [
      {
        routing_key_file: s.pagerdutyRoutingKeyFile,
        url: s.pagerdutyUrl,
        send_resolved: true,
        description: '{{ .CommonAnnotations.summary }}',
        details: {
          service: `{{ .CommonLabels.${SLO_LABELS.service} }}`,
          tenant: `{{ .CommonLabels.${SLO_LABELS.tenant} }}`,
          firing: '{{ .Alerts.Firing | len }}',
        },
      },
    ],
  }
  const route: Record<string, unknown> = {
    receiver: s.receiver === 'pagerduty' ? ALERTMANAGER_RECEIVERS.pagerduty : ALERTMANAGER_RECEIVERS.lookout,
    group_by: [PROMETHEUS_SERIES.alertName, SLO_LABELS.service, SLO_LABELS.tenant, SLO_LABELS.severity],
    group_wait: s.groupWait,
    group_interval: s.groupInterval,
    repeat_interval: s.repeatInterval,
  }
  if (s.receiver === 'both') {
    route.routes = [
      {
        receiver: ALERTMANAGER_RECEIVERS.pagerduty,
        matchers: [`${SLO_LABELS.severity}=~"critical|page"`],
        continue: true,
      },
      { receiver: ALERTMANAGER_RECEIVERS.lookout },
    ]
  }
  const receivers =
    s.receiver === 'lookout' ? [lookout] : s.receiver === 'pagerduty' ? [pagerduty] : [lookout, pagerduty]
  return {
    route,
    // A page for the same alert/tenant silences its ticket twin.
    inhibit_rules: [
      {
        source_matchers: [`${SLO_LABELS.severity}=~"critical|page"`],
        target_matchers: [`${SLO_LABELS.severity}=~"warning|ticket"`],
        equal: [PROMETHEUS_SERIES.alertName, SLO_LABELS.service, SLO_LABELS.tenant, SLO_LABELS.slo],
      },
    ],
    receivers,
  }
}
