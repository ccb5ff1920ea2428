/**
 * What every benchmark server shares. The runner copies these scripts into an app outside the repository whose
 * node_modules holds the packed `lookout` and the peer libraries, so every import resolves as in a user's app.
 * A server's stdout is its log stream (the runner sends it to /dev/null); the port goes to the runner on fd 3.
 */
import { writeSync } from 'node:fs'

/** Tells the runner which port the server listens on. */
export function announce(server) {
  writeSync(3, `LISTENING ${server.address().port}\n`)
}

/** The Lookout options this row adds to the README's (`BENCH_LOOKOUT_OPTIONS`, JSON; none for the README row). */
export function rowOptions() {
  return JSON.parse(process.env.BENCH_LOOKOUT_OPTIONS || '{}')
}

/** The loopback OTLP sink's traces URL, for the peer stacks' exporters. */
export function otlpTracesUrl() {
  return `${process.env.BENCH_OTLP_ENDPOINT}/v1/traces`
}

/** The peer stacks' sampling ratio (`BENCH_TRACE_RATIO`). */
export function traceRatio() {
  return Number(process.env.BENCH_TRACE_RATIO ?? '0.1')
}
