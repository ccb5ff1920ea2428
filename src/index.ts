export type { AlertsApi, HistoryDelivery, HistoryEvent, HistoryPage } from './alerting/alertsApi.ts'
export { signWebhook } from './alerting/channels/webhookRequest.ts'
export { ALERTING_METRIC_NAMES, SECRET_MASK, WEBHOOK_HEADERS } from './alerting/conventions.ts'
export type { AlertRef, AlertResult, FireInput } from './alerting/createAlertRouter.ts'
export { alertFingerprint } from './alerting/fingerprint.ts'
export type { AlertChannel, AlertRoutingConfig, AlertRoutingConfigInput } from './alerting/routingConfig.ts'
export { verifyWebhookSignature } from './alerting/verifyWebhookSignature.ts'
export { maskConfig } from './config/maskConfig.ts'
export { resolveConfig } from './config/resolveConfig.ts'
export type { LookoutOptions, ResolvedConfig } from './config/schema.ts'
export { bindContext } from './context/bindContext.ts'
export { getContext } from './context/getContext.ts'
export type { ContextBindings, RequestContext } from './context/requestContext.ts'
export { runWithContext } from './context/runWithContext.ts'
export type { CreateLookoutExtras } from './core/createLookout.ts'
export { createLookout } from './core/createLookout.ts'
export type { Lookout } from './core/lookout.ts'
export type { LookoutArea } from './core/lookoutArea.ts'
export type { ConfigProblem } from './errors.ts'
export { LookoutError } from './errors.ts'
export { FRONTEND_METRIC_NAMES, FRONTEND_ROUTES } from './frontend/conventions.ts'
export type { SentryBrowserConfig } from './frontend/createSentryConfigRoute.ts'
export type { FrontendApi } from './frontend/installFrontend.ts'
export type { DiskCheckOptions } from './health/checks/diskCheck.ts'
export { diskCheck } from './health/checks/diskCheck.ts'
export type { EventLoopDelayCheckOptions } from './health/checks/eventLoopDelayCheck.ts'
export { eventLoopDelayCheck } from './health/checks/eventLoopDelayCheck.ts'
export type { HttpCheckOptions } from './health/checks/httpCheck.ts'
export { httpCheck } from './health/checks/httpCheck.ts'
export type { MemoryCheckOptions } from './health/checks/memoryCheck.ts'
export { memoryCheck } from './health/checks/memoryCheck.ts'
export type { PgQueryable, PostgresCheckOptions } from './health/checks/postgresCheck.ts'
export { postgresCheck } from './health/checks/postgresCheck.ts'
export type { RedisCheckOptions, RedisPingable } from './health/checks/redisCheck.ts'
export { redisCheck } from './health/checks/redisCheck.ts'
export type { SqliteCheckOptions, SqliteDatabase } from './health/checks/sqliteCheck.ts'
export { sqliteCheck } from './health/checks/sqliteCheck.ts'
export { HEALTH_CONTENT_TYPE, HEALTH_METRIC_NAMES } from './health/conventions.ts'
export type {
  CheckState,
  ComponentType,
  HealthCheck,
  HealthCheckResult,
  HealthStatus,
} from './health/healthCheck.ts'
export type { HealthBody, HealthCheckEntry } from './health/healthReport.ts'
export type { Health } from './health/installHealth.ts'
export type { LookoutPhase, ShutdownHook } from './health/shutdownOrchestrator.ts'
export type { LifecycleCore, StartInput } from './http/lifecycleCore.ts'
export type { LifecycleRequest } from './http/lifecycleRequest.ts'
export type {
  OperatorIdentity,
  OpsAuth,
  OpsRequest,
  OpsResponse,
  OpsRoute,
  OpsScope,
} from './http/opsRoute.ts'
export type { RequestObserver } from './http/requestObserver.ts'
export { LOGGING_METRIC_NAMES } from './logging/conventions.ts'
export type { LookoutLogger } from './logging/createLogger.ts'
export { createLogger } from './logging/createLogger.ts'
export type { LoggingApi } from './logging/installLogging.ts'
export type { LineDestination, LineDestinationOptions, LineDrops } from './logging/lineDestination.ts'
export { createLineDestination } from './logging/lineDestination.ts'
export type { Conventions, HttpMetricNames } from './metrics/conventions.ts'
export { HTTP_METRIC_NAMES } from './metrics/conventions.ts'
export type { CounterFamily } from './metrics/counterFamily.ts'
export type { GaugeFamily } from './metrics/gaugeFamily.ts'
export type { HistogramFamily } from './metrics/histogramFamily.ts'
export type {
  InstrumentCall,
  InstrumentHooks,
  InstrumentOutcome,
  InstrumentSpec,
} from './metrics/instrument.ts'
export type { CircuitState, PresetName, SecuritySeverity } from './metrics/instrumentPresets.ts'
export { INSTRUMENT_PRESETS } from './metrics/instrumentPresets.ts'
export type { ExpositionFormat } from './metrics/metricFamily.ts'
export type { MetricRegistry } from './metrics/metricRegistry.ts'
export type { ProfileKind, ProfileOutcome, PushOutcome } from './profiling/conventions.ts'
export { PROFILING_METRIC_NAMES, PROFILING_PATHS } from './profiling/conventions.ts'
export type { CpuProfile, CpuProfileToPprofOptions } from './profiling/cpuProfileToPprof.ts'
export { cpuProfileToPprof } from './profiling/cpuProfileToPprof.ts'
export type { CpuProfileFormat, CpuProfileRequest, ProfileResult } from './profiling/createProfiler.ts'
export type { HeapProfileToPprofOptions, SamplingHeapProfile } from './profiling/heapProfileToPprof.ts'
export { heapProfileToPprof } from './profiling/heapProfileToPprof.ts'
export type { ProfilingApi } from './profiling/installProfiling.ts'
export type { Redactor, RedactorOptions } from './redact/createRedactor.ts'
export { createRedactor } from './redact/createRedactor.ts'
export { getDefaultRedactor, redactUrl } from './redact/defaultRedactor.ts'
export { REDACTION_MARKERS } from './redact/markers.ts'
export { DEFAULT_SENSITIVE_KEYS } from './redact/sensitiveKeys.ts'
export type { EmailMode } from './redact/valuePatterns.ts'
export { buildSloModel, resolveTenantSlos } from './slo/buildSloModel.ts'
export type { BurnThreshold } from './slo/burnThresholds.ts'
export { burnThresholds } from './slo/burnThresholds.ts'
export type { BurnAlertPair, BurnSeverity, BurnWindow } from './slo/conventions.ts'
export {
  BURN_ALERT_PAIRS,
  BURN_WINDOWS,
  SLO_ALERT_NAME,
  SLO_LABELS,
  SLO_METRIC_NAMES,
  SLO_RULE_NAMES,
} from './slo/conventions.ts'
export { effectiveBuckets, latencyThresholds, mergeSloBuckets } from './slo/effectiveBuckets.ts'
export type { SloFigures, WindowCounts } from './slo/evaluateSlo.ts'
export { evaluateSlo } from './slo/evaluateSlo.ts'
export type {
  AlertingRule,
  GenerateSloRulesOptions,
  RecordingRule,
  RuleGroup,
  SloRules,
} from './slo/generateSloRules.ts'
export { generateSloRules, sloRuleOptions } from './slo/generateSloRules.ts'
export type { LookoutSlo } from './slo/installSlo.ts'
export { loadSloModel, readSloFile } from './slo/loadSloModel.ts'
export type { GoodTotal } from './slo/sloMath.ts'
export {
  budgetBurnPerHour,
  budgetRemaining,
  burnRate,
  compliance,
  errorRatio,
  timeToExhaustion,
} from './slo/sloMath.ts'
export type { SloDefinition, SloModel } from './slo/sloModel.ts'
export { sloForTenant } from './slo/sloModel.ts'
export { sloRulesToYaml } from './slo/sloRulesToYaml.ts'
export type { SloBurndown, SloService, TenantSloConfig } from './slo/sloService.ts'
export type { SloSource, StepCounts } from './slo/sloSource.ts'
export type { SloDocument, SloKind, SloSpec } from './slo/sloSpec.ts'
export { DEFAULT_SLOS } from './slo/sloSpec.ts'
export type { BurningPair, SloStatus, SloStatusInput } from './slo/sloStatus.ts'
export { burningPairs, sloStatus } from './slo/sloStatus.ts'
export type {
  DayBar,
  OverallStatus,
  PublicComponent,
  PublicMaintenance,
  PublicStatusBody,
} from './status/buildStatusBody.ts'
export type {
  ComponentStatus,
  DisplayStatus,
  IncidentImpact,
  IncidentStatus,
  SampleStatus,
} from './status/conventions.ts'
export {
  COMPONENT_STATUSES,
  INCIDENT_IMPACTS,
  INCIDENT_STATUSES,
  STATUS_METRIC_NAMES,
  STATUS_ROUTES,
  STATUS_SAMPLER_LEASE,
} from './status/conventions.ts'
export type { PublicIncident, PublicIncidentsBody } from './status/createStatusReader.ts'
export type { SampleRun } from './status/createStatusSampler.ts'
export type { StatusAlert, StatusApi } from './status/installStatus.ts'
export type { StatusComponent } from './status/resolveComponents.ts'
export type { CreateStoreOptions, Store, StoreRepositories } from './store/createStore.ts'
export { createStore } from './store/createStore.ts'
export type { StoreEngine } from './store/migrations.ts'
export { pruneHistory } from './store/retentionJob.ts'
export { HTTP_SPAN_ATTRIBUTES, TRACING_METRIC_NAMES } from './tracing/conventions.ts'
export { addSpanAttributes, recordException, withSpan } from './tracing/defaultSpanHelpers.ts'
export type { LookoutTracing } from './tracing/installTracing.ts'
export { currentRequestId } from './tracing/requestIdPropagator.ts'
export type { SpanAttributeInput, SpanHelpers } from './tracing/spanHelpers.ts'
export { spanPresets } from './tracing/spanPresets.ts'
