import { SLO_LABELS } from '../slo/conventions.ts'
import type { GenerateModel } from './generateModel.ts'

/**
 * `prometheus.yml` for the service (pure data): global intervals, the rule files, the Alertmanagers, and one
 * scrape job for the service's targets at `metrics.path` — with `authorization: Bearer` read from
 * `generate.prometheus.metricsTokenFile` when `metrics.token` is set (the token itself is never written).
 *
 * @example
 * stringify(prometheusConfig(model))
 */
export function prometheusConfig(model: GenerateModel): Record<string, unknown> {
  const s = model.settings.prometheus
  const job: Record<string, unknown> = {
    job_name: model.job,
    metrics_path: model.config.metrics.path,
    scheme: 'http',
    static_configs: [
      { targets: [...model.settings.app.targets], labels: { [SLO_LABELS.service]: model.config.service } },
    ],
  }
  if (model.config.metrics.token !== undefined) {
    job.authorization = { type: 'Bearer', credentials_file: s.metricsTokenFile }
  }
  const config: Record<string, unknown> = {
    global: {
      scrape_interval: s.scrapeInterval,
      evaluation_interval: s.evaluationInterval,
      external_labels: { environment: model.config.environment },
    },
    rule_files: [...s.ruleFiles],
  }
  if (s.alertmanagers.length > 0) {
    config.alerting = { alertmanagers: [{ static_configs: [{ targets: [...s.alertmanagers] }] }] }
  }
  config.scrape_configs = [job]
  return config
}
