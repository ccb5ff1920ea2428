export type { LookoutArea } from '../core/lookoutArea.ts'
export type { LifecycleCore, StartInput } from '../http/lifecycleCore.ts'
export type { LifecycleRequest } from '../http/lifecycleRequest.ts'
export type {
  OperatorIdentity,
  OpsAuth,
  OpsRequest,
  OpsResponse,
  OpsRoute,
  OpsScope,
} from '../http/opsRoute.ts'
export type { RequestObserver } from '../http/requestObserver.ts'
export type { CounterFamily } from '../metrics/counterFamily.ts'
export type { GaugeFamily } from '../metrics/gaugeFamily.ts'
export type { HistogramFamily } from '../metrics/histogramFamily.ts'
export type { InstrumentCall, InstrumentHooks, InstrumentOutcome } from '../metrics/instrument.ts'
export type { ExpositionFormat } from '../metrics/metricFamily.ts'
export type { MetricRegistry } from '../metrics/metricRegistry.ts'
