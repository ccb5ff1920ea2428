/** What the OTLP export worker is started with (its `workerData`). */
export interface WorkerExporterOptions {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly timeoutMs: number
  readonly compression: string
}

/** Main thread → worker: send one encoded request (its buffer transferred), or finish and close. */
export type WorkerExportRequest =
  | { readonly type: 'export'; readonly id: number; readonly bytes: ArrayBuffer; readonly count: number }
  | { readonly type: 'shutdown' }

/** Worker → main thread: how one export ended, or that the worker has closed its transport. */
export type WorkerExportResult =
  | {
      readonly type: 'result'
      readonly id: number
      readonly code: number
      readonly error: { readonly name: string; readonly message: string } | undefined
    }
  | { readonly type: 'closed' }
