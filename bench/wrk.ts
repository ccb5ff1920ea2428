/**
 * wrk, the load generator: one thread pinned to a core (`taskset -c`), GET on one path. wrk (C, epoll) drives
 * ~25 k req/s with ~40 % of a core, where a Node load generator needs most of its core for the same load — enough
 * to make the client, not the server, the bottleneck. `apt-get install wrk`.
 */
import { spawn } from 'node:child_process'

/** What one wrk run reports: requests served, req/s, latency percentiles (ms) and errors of every kind. */
export interface WrkResult {
  readonly requests: number
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly errors: number
}

function durationMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text)
  if (!m) return Number.NaN
  const v = Number(m[1])
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v
}

/** Reads wrk's report; `requests` is NaN when it has no request count. */
export function parseWrk(text: string): WrkResult {
  return {
    requests: Number(/(\d+) requests in/.exec(text)?.[1] ?? Number.NaN),
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? 0),
    p50: durationMs(/50%\s+(\S+)/.exec(text)?.[1] ?? ''),
    p99: durationMs(/99%\s+(\S+)/.exec(text)?.[1] ?? ''),
    errors:
      Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0) +
      [...text.matchAll(/(?:connect|read|write|timeout) (\d+)/g)].reduce((a, m) => a + Number(m[1]), 0),
  }
}

/**
 * Runs wrk on `core` against `http://127.0.0.1:<port><path>` for `seconds`; rejects when wrk fails or reports no
 * request count.
 *
 * @example
 * const { requests, p99 } = await runWrk({ port, path: '/users/42', seconds: 8, connections: 32, core: 1 })
 */
export function runWrk(options: {
  port: number
  path: string
  seconds: number
  connections: number
  core: number
}): Promise<WrkResult> {
  const { port, path, seconds, connections, core } = options
  return new Promise((resolve, reject) => {
    const args = ['-c', String(core), 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency']
    const child = spawn('taskset', [...args, `http://127.0.0.1:${port}${path}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let text = ''
    child.stdout.on('data', (d) => {
      text += d
    })
    child.stderr.on('data', (d) => {
      text += d
    })
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}: ${text.slice(-500)}`))
      const result = parseWrk(text)
      if (!Number.isFinite(result.requests))
        return reject(new Error(`wrk reported no request count: ${text}`))
      resolve(result)
    })
  })
}
