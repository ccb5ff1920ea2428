export type { MemorySpanExporter } from '../tracing/createMemorySpanExporter.ts'
export { createMemorySpanExporter } from '../tracing/createMemorySpanExporter.ts'
