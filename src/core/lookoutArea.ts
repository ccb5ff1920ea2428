/**
 * A part of Lookout with a lifecycle (store, alert worker, status sampler, exporters …). `start()` runs in
 * registration order from `lookout.start()`; `stop()` in reverse order from `lookout.shutdown()`. Both must be
 * idempotent and must not throw into the host (failures are logged by the caller).
 */
export interface LookoutArea {
  readonly name: string
  start?(): Promise<void> | void
  stop?(): Promise<void> | void
}
