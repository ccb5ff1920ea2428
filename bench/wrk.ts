/**
 * wrk, the load generator of bench/run.ts and bench/coscheduled.ts: one thread pinned to core 1 (`taskset -c 1`),
 * a Lua script per route for its method and body. wrk (C, epoll) drives ~25 k req/s with ~40 % of a core here,
 * while autocannon needs ~90 % of its core for the same load — enough to make the client, not the server, the
 * bottleneck and to charge the server for the client's parsing of every extra response byte. `apt-get install wrk`.
 */
import { execFileSync, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROUTES } from './configs.ts'

/** wrk's path, `undefined` when it is not installed. */
export const wrkPath: string | undefined = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' }).trim() || undefined
  } catch {
    return undefined
  }
})()

/**
 * The Lua script of a route, written once per process under a name of its own: two wrk runs started together
 * (bench/coscheduled.ts) must not race on one file, since a wrk that reads an empty script sends GETs, which
 * /orders answers with 404s.
 */
const scripts = new Map<keyof typeof ROUTES, string>()
function scriptOf(route: keyof typeof ROUTES): string {
  const known = scripts.get(route)
  if (known !== undefined) return known
  const r = ROUTES[route]
  const script = join(tmpdir(), `lookout-bench-${process.pid}-${route}.lua`)
  writeFileSync(
    script,
    r.body
      ? `wrk.method = "${r.method}"\nwrk.body = ${JSON.stringify(r.body)}\nwrk.headers["Content-Type"] = "application/json"\n`
      : `wrk.method = "${r.method}"\n`,
  )
  scripts.set(route, script)
  return script
}

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

/**
 * Runs wrk on core 1 against a server on loopback for `seconds`; rejects when wrk fails. `requests` is NaN when
 * wrk's output has no request count.
 *
 * @example
 * const { requests, rps, p99 } = await runWrk(port, 'hello', 4, 32)
 */
export function runWrk(
  port: number,
  route: keyof typeof ROUTES,
  seconds: number,
  connections: number,
): Promise<WrkResult> {
  if (wrkPath === undefined) return Promise.reject(new Error('wrk is not installed (apt-get install wrk)'))
  const r = ROUTES[route]
  const script = scriptOf(route)
  return new Promise((resolve, reject) => {
    const args = ['-c', '1', wrkPath!, '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script]
    const child = spawn('taskset', [...args, `http://127.0.0.1:${port}${r.path}`], {
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
      if (code !== 0) return reject(new Error(`wrk exited ${code}: ${text}`))
      resolve({
        requests: Number(/(\d+) requests in/.exec(text)?.[1] ?? Number.NaN),
        rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? 0),
        p50: durationMs(/50%\s+(\S+)/.exec(text)?.[1] ?? ''),
        p99: durationMs(/99%\s+(\S+)/.exec(text)?.[1] ?? ''),
        errors:
          Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0) +
          [...text.matchAll(/(?:connect|read|write|timeout) (\d+)/g)].reduce((a, m) => a + Number(m[1]), 0),
      })
    })
  })
}
