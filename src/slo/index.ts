export { buildSloModel, resolveTenantSlos } from './buildSloModel.ts'
export type { BurnThreshold } from './burnThresholds.ts'
export { burnThresholds } from './burnThresholds.ts'
export type { BurnAlertPair, BurnSeverity, BurnWindow } from './conventions.ts'
export { effectiveBuckets, latencyThresholds, mergeSloBuckets } from './effectiveBuckets.ts'
export type { SloFigures, WindowCounts } from './evaluateSlo.ts'
export { evaluateSlo } from './evaluateSlo.ts'
export type {
  AlertingRule,
  GenerateSloRulesOptions,
  RecordingRule,
  RuleGroup,
  SloRules,
} from './generateSloRules.ts'
export { generateSloRules, sloRuleOptions } from './generateSloRules.ts'
export { loadSloModel, readSloFile } from './loadSloModel.ts'
export type { GoodTotal } from './sloMath.ts'
export {
  budgetBurnPerHour,
  budgetRemaining,
  burnRate,
  compliance,
  errorRatio,
  timeToExhaustion,
} from './sloMath.ts'
export type { SloDefinition, SloModel } from './sloModel.ts'
export { sloForTenant } from './sloModel.ts'
export { sloRulesToYaml } from './sloRulesToYaml.ts'
export type { SloBurndown, SloService, TenantSloConfig } from './sloService.ts'
export type { SloSource, StepCounts } from './sloSource.ts'
export type { SloDocument, SloKind, SloSpec } from './sloSpec.ts'
export { DEFAULT_SLOS } from './sloSpec.ts'
export type { BurningPair, SloStatus, SloStatusInput } from './sloStatus.ts'
export { burningPairs, sloStatus } from './sloStatus.ts'
