/**
 * The co-scheduled method: a configuration and its bare server run *at the same time* on the same core (the server
 * core), each driven by its own wrk on the other core (the client core) with the same connection count, so the
 * host's swings (CPU steal, neighbours' cache traffic, frequency) hit both sides of a comparison at once. Every
 * round starts a fresh pair of processes (one process's JIT outcome is fixed for its life, so only fresh processes
 * sample it), in alternating order, warms both up together, then measures both together. Per round:
 *
 * - **throughput ratio**: requests the configuration served ÷ requests bare served in the same seconds, while the
 *   scheduler shared the core between the two (both always runnable, so each gets about half);
 * - **CPU-per-request ratio**: bare's CPU time per request ÷ the configuration's (utime + stime of every thread,
 *   from /proc), which does not depend on how evenly the core was shared.
 *
 * Medians and interquartile ranges over the rounds. A round in which either wrk saw a failed request (non-2xx,
 * socket error, timeout) compares different work and is measured again (at most 3 times), and counted.
 */
import { readFileSync } from 'node:fs'
import { type SpawnedServer, stopServer } from './spawnServer.ts'
import { runWrk, type WrkResult } from './wrk.ts'

/** The cores of the method: servers on one, load generators (and the OTLP sink) on the other. */
export const SERVER_CORE = 0
export const CLIENT_CORE = 1

/** One measured round. */
export interface Round {
  readonly bareRequests: number
  readonly requests: number
  readonly bareTicks: number
  readonly ticks: number
  readonly throughput: number
  readonly cpu: number
  /** Share of the server core's time the hypervisor took (steal) during the round. */
  readonly steal: number
  /**
   * CPU time both servers used ÷ the round's wall time: near 1 when the servers, not the load generators or the
   * host's other work, limited the round.
   */
  readonly serverCoreBusy: number
  readonly p99: number
  readonly bareP99: number
}

/** Median and quartiles of a set of ratios. */
export interface Summary {
  readonly median: number
  readonly q1: number
  readonly q3: number
}

/** What the method measured for one configuration against its bare server. */
export interface Measurement {
  readonly rounds: Round[]
  readonly throughput: Summary
  readonly cpuPerRequest: Summary
  /** CPU time per request (µs), bare and this configuration, over every round. */
  readonly bareUsPerRequest: number
  readonly usPerRequest: number
  /** Rounds measured again (a load generator failed, or requests failed), and the failed requests among them. */
  readonly remeasured: number
  readonly errors: number
}

/** Options of {@link measureCoscheduled}. */
export interface CoscheduledOptions {
  /** Starts the bare server / the configuration on the server core. */
  readonly startBare: () => Promise<SpawnedServer>
  readonly startConfig: () => Promise<SpawnedServer>
  readonly path: string
  readonly rounds: number
  /** Measured seconds per round. */
  readonly duration: number
  /** Seconds both servers are driven together before each round's measurement. */
  readonly warmup: number
  readonly connections: number
  readonly log?: (line: string) => void
}

const TICKS_PER_SECOND = 100 // USER_HZ on Linux

/** utime + stime of every thread of a process, in clock ticks (/proc/<pid>/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

/** One core's line of /proc/stat: total and steal ticks. */
export function coreTicks(core: number | 'all'): { total: number; steal: number } {
  const name = core === 'all' ? 'cpu' : `cpu${core}`
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name} `))
  const values = (line ?? '').trim().split(/\s+/).slice(1, 9).map(Number)
  return { total: values.reduce((a, b) => a + b, 0), steal: values[7] ?? 0 }
}

/** The `q` quantile of `xs` (linear interpolation). */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  const at = (s.length - 1) * q
  const lo = Math.floor(at)
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo)
}

const round3 = (x: number) => Math.round(x * 1000) / 1000

/** Median and quartiles, to 3 decimals. */
export function summarize(xs: readonly number[]): Summary {
  return { median: round3(quantile(xs, 0.5)), q1: round3(quantile(xs, 0.25)), q3: round3(quantile(xs, 0.75)) }
}

/**
 * Measures one configuration against its bare server, co-scheduled, over `rounds` fresh pairs of processes.
 *
 * @example
 * const m = await measureCoscheduled({ startBare, startConfig, path: '/users/42', rounds: 5, duration: 8, warmup: 3, connections: 32 })
 * m.throughput.median // e.g. 0.83
 */
export async function measureCoscheduled(options: CoscheduledOptions): Promise<Measurement> {
  const { startBare, startConfig, path, rounds, duration, warmup, connections, log = () => {} } = options
  const wrk = (port: number, seconds: number) =>
    runWrk({ port, path, seconds, connections, core: CLIENT_CORE })
  const measured: Round[] = []
  let remeasured = 0
  let errors = 0
  let failures = 0
  while (measured.length < rounds) {
    // Alternating start order, so neither side always starts first.
    let bare: SpawnedServer | undefined
    let config: SpawnedServer | undefined
    try {
      if (measured.length % 2 === 0) {
        bare = await startBare()
        config = await startConfig()
      } else {
        config = await startConfig()
        bare = await startBare()
      }
      // A server that does not start is an error of the row, not of the round: it is not measured again.
      let round: Round
      try {
        round = await measureRound(bare, config)
      } catch (err) {
        if (++failures > 3 * rounds) throw err
        remeasured++
        log(`round measured again: ${(err as Error).message.slice(0, 300)}`)
        continue
      }
      measured.push(round)
      log(
        `round ${measured.length}: ${round.bareRequests} / ${round.requests} requests, throughput ${round.throughput.toFixed(3)}, CPU per request ${round.cpu.toFixed(3)}, steal ${(round.steal * 100).toFixed(1)} %, server core busy ${(round.serverCoreBusy * 100).toFixed(0)} %`,
      )
    } finally {
      await Promise.all([bare && stopServer(bare.child), config && stopServer(config.child)])
    }
  }
  /** Warms a started pair up together, then measures it together. */
  async function measureRound(bare: SpawnedServer, config: SpawnedServer): Promise<Round> {
    if (warmup > 0) await Promise.all([wrk(bare.port, warmup), wrk(config.port, warmup)])
    const bareBefore = cpuTicks(bare.child.pid!)
    const before = cpuTicks(config.child.pid!)
    const coreBefore = coreTicks(SERVER_CORE)
    const [wb, wc]: WrkResult[] = await Promise.all([wrk(bare.port, duration), wrk(config.port, duration)])
    const coreAfter = coreTicks(SERVER_CORE)
    if (wb!.errors + wc!.errors > 0) {
      errors += wb!.errors + wc!.errors
      throw new Error(`${wb!.errors} / ${wc!.errors} failed requests (bare / configuration)`)
    }
    const bareTicks = cpuTicks(bare.child.pid!) - bareBefore
    const ticks = cpuTicks(config.child.pid!) - before
    return {
      bareRequests: wb!.requests,
      requests: wc!.requests,
      bareTicks,
      ticks,
      throughput: wc!.requests / wb!.requests,
      cpu: bareTicks / wb!.requests / (ticks / wc!.requests),
      steal: (coreAfter.steal - coreBefore.steal) / Math.max(1, coreAfter.total - coreBefore.total),
      serverCoreBusy: (bareTicks + ticks) / (duration * TICKS_PER_SECOND),
      p99: wc!.p99,
      bareP99: wb!.p99,
    }
  }
  const sum = (f: (r: Round) => number) => measured.reduce((s, r) => s + f(r), 0)
  const usPerRequest = (ticks: number, requests: number) =>
    round3((ticks / TICKS_PER_SECOND / requests) * 1e6)
  return {
    rounds: measured,
    throughput: summarize(measured.map((r) => r.throughput)),
    cpuPerRequest: summarize(measured.map((r) => r.cpu)),
    bareUsPerRequest: usPerRequest(
      sum((r) => r.bareTicks),
      sum((r) => r.bareRequests),
    ),
    usPerRequest: usPerRequest(
      sum((r) => r.ticks),
      sum((r) => r.requests),
    ),
    remeasured,
    errors,
  }
}
