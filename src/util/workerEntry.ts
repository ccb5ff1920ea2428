import { fileURLToPath } from 'node:url'

/**
 * Path of a worker thread's entry module next to the module at `moduleUrl`: `<name>.js` when built; from source
 * (`.ts`, the lookout-source condition) the `<name>Source.mjs` shim beside it, which registers tsx inside the worker
 * first (workers do not inherit the loader hooks).
 *
 * @example
 * new Worker(workerEntry(import.meta.url, 'otlpExportWorker'))
 */
export function workerEntry(moduleUrl: string, name: string): string {
  const file = moduleUrl.endsWith('.ts') ? `./${name}Source.mjs` : `./${name}.js`
  return fileURLToPath(new URL(file, moduleUrl))
}
