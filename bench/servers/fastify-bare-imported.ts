/**
 * Bare Fastify (the very fastify-bare.ts server) in a process that has imported Lookout (`lookout` and
 * `lookout/fastify`) without creating or registering it: no Lookout code runs per request. Against fastify-bare it
 * isolates what the loaded module graph (a larger heap and code space) costs the request path, from what
 * Lookout's per-request work costs.
 */
import 'lookout'
import 'lookout/fastify'

await import('./fastify-bare.ts')
