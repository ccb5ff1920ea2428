import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/**
 * A CommonJS dependency loaded on first use instead of at import: the OpenTelemetry SDK, the OTLP exporters,
 * undici, yaml, pg and pino-pretty are only loaded by the processes whose configuration uses them (importing
 * everything up front would load them into every process, tracing off or not). The
 * loader is synchronous, so the areas that need a package keep their synchronous set-up. The packages loaded
 * this way are CommonJS, so the module is the same instance an `import` elsewhere would give.
 *
 * @param id the package (or package subpath) to `require`
 * @returns a function returning the module, loading it on the first call
 * @example
 * const sdk = lazyRequire<typeof import('@opentelemetry/sdk-trace-base')>('@opentelemetry/sdk-trace-base')
 * const sampler = new (sdk().AlwaysOnSampler)()
 */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined
  return () => {
    loaded ??= require(id) as T
    return loaded
  }
}
