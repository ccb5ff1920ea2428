// Source-mode entry of the Loki transport worker (used only when Lookout runs from src/*.ts, i.e. tests and
// `npm start` under the lookout-source condition): worker threads do not inherit tsx's loader hooks, so this shim
// registers tsx in the worker before importing the TypeScript transport. Built code targets lokiTransport.js.
import { register } from 'tsx/esm/api'

register()
const mod = await import('./lokiTransport.ts')
export default mod.default
