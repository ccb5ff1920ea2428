export {
  ALERTMANAGER_RECEIVER_PATH,
  ALERTMANAGER_RECEIVERS,
  alertmanagerConfig,
} from './alertmanagerConfig.ts'
export type {
  DashboardSpec,
  PanelQuery,
  PanelSpec,
  PanelType,
  QueryLanguage,
  RowSpec,
  VariableSpec,
} from './dashboardSpec.ts'
export { DATASOURCE_VARIABLES, panelsOf } from './dashboardSpec.ts'
export { apiOverviewDashboard } from './dashboards/apiOverviewDashboard.ts'
export { dashboardUid } from './dashboards/dashboardUid.ts'
export { infrastructureDashboard } from './dashboards/infrastructureDashboard.ts'
export { logQueries, logsDashboard } from './dashboards/logsDashboard.ts'
export { sloDashboards } from './dashboards/sloDashboards.ts'
export { exploreLink, traceQueries, tracesDashboard } from './dashboards/tracesDashboard.ts'
export { DOC_MARKERS, dashboardsMarkdown, replaceGenerated } from './dashboardsMarkdown.ts'
export { PROMETHEUS_SERIES, RUNTIME_METRIC_NAMES } from './externalMetricNames.ts'
export { allDashboards, type GeneratedFile, generateAll, sloRules } from './generateAll.ts'
export {
  type BuildModelResult,
  buildGenerateModel,
  type ConfigIssue,
  defineConfig,
  type GenerateModel,
  type LookoutProjectConfig,
} from './generateModel.ts'
export type { GenerateSettings, GenerateSettingsInput } from './generateSettings.ts'
export { generateSettingsSchema } from './generateSettings.ts'
export { dashboardProvisioning, datasourceProvisioning } from './grafanaProvisioning.ts'
export { type KubernetesManifest, kubernetesManifests, probeTimings } from './kubernetesManifests.ts'
export { AUTH_SPAN_ATTRIBUTES, LOG_FIELDS } from './logFields.ts'
export { prometheusConfig } from './prometheusConfig.ts'
export { type InventoryEntry, queryInventory } from './queryInventory.ts'
export { DASHBOARD_VARS, DOMAIN_LABELS, queryKit } from './queryKit.ts'
export { renderDashboard } from './renderDashboard.ts'
export {
  type ServiceAlertSpec,
  serviceAlertExpr,
  serviceAlertGroup,
  serviceAlertSpecs,
} from './serviceAlerts.ts'
