// Source-mode entry of the OTLP export worker (used only when Lookout runs from src/*.ts, i.e. tests and
// `npm start` under the lookout-source condition): worker threads do not inherit tsx's loader hooks, so this shim
// registers tsx in the worker before importing the TypeScript worker. Built code targets otlpExportWorker.js.
import { register } from 'tsx/esm/api'

register()
await import('./otlpExportWorker.ts')
