export { maskConfig } from './config/maskConfig.ts'
export { resolveConfig } from './config/resolveConfig.ts'
export type { LookoutOptions, ResolvedConfig } from './config/schema.ts'
export type { CreateLookoutExtras, Lookout } from './core/createLookout.ts'
export { createLookout } from './core/createLookout.ts'
export type { LookoutArea } from './core/lookoutArea.ts'
export type { ConfigProblem } from './errors.ts'
export { LookoutError } from './errors.ts'
export type { LifecycleCore, StartInput } from './http/lifecycleCore.ts'
export type { LifecycleRequest } from './http/lifecycleRequest.ts'
export type { OperatorIdentity, OpsAuth, OpsRequest, OpsResponse, OpsRoute } from './http/opsRoute.ts'
export type { RequestObserver } from './http/requestObserver.ts'
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
