/**
 * Continuous-profiling overhead on a small Fastify app with Lookout: throughput with profiling routes only (heap
 * sampling off), with the default heap sampler, and with continuous CPU profiling to a loopback Pyroscope at the
 * default settings (always-on windows, 100 Hz). Each mode runs in its own child process (V8's profiler is
 * per process); rounds are interleaved; medians are printed.
 *
 *   node --conditions=lookout-source --import tsx bench/micro/profiling.ts [--rounds 3] [--seconds 5]
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import Fastify from 'fastify'
import pino from 'pino'
import { lookout } from '../../src/fastify/index.ts'
import { createLookout, type LookoutOptions } from '../../src/index.ts'

type Mode = 'routes-only' | 'heap-sampler' | 'continuous'
const MODES: Mode[] = ['routes-only', 'heap-sampler', 'continuous']

function work(): number {
  let x = 0
  for (let i = 0; i < 2000; i++) x += Math.sqrt(i)
  return x
}

async function serve(mode: Mode, pyroscopeUrl: string): Promise<void> {
  const options: LookoutOptions = {
    service: 'bench',
    profiling:
      mode === 'routes-only'
        ? { heap: { enabled: false } }
        : mode === 'heap-sampler'
          ? {}
          : { pyroscope: { url: pyroscopeUrl, intervalSeconds: 60 } },
  }
  const instance = createLookout(options, {
    env: { LOOKOUT_STORE_URL: 'sqlite::memory:' },
    logger: pino({ level: 'warn' }),
  })
  const app = Fastify()
  await app.register(lookout, { lookout: instance })
  app.get('/work', async () => ({ ok: work() }))
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  process.send?.({ url })
}

async function startChild(mode: Mode, pyroscopeUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--serve', mode, pyroscopeUrl],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  )
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url))
    child.once('exit', (code) => reject(new Error(`${mode} server exited (${code})`)))
  })
  return { child, url }
}

async function measure(url: string, seconds: number): Promise<{ rps: number; p99: number }> {
  await autocannon({ url: `${url}/work`, connections: 10, duration: 1 }) // warm-up
  const r = await autocannon({ url: `${url}/work`, connections: 10, duration: seconds })
  return { rps: r.requests.average, p99: r.latency.p99 }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`)
    return i === -1 ? fallback : Number(process.argv[i + 1])
  }
  const rounds = arg('rounds', 3)
  const seconds = arg('seconds', 5)
  let pushes = 0
  const pyroscope = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      pushes++
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((r) => pyroscope.listen(0, '127.0.0.1', r))
  const pyroscopeUrl = `http://127.0.0.1:${(pyroscope.address() as AddressInfo).port}`
  const results = new Map<Mode, { rps: number[]; p99: number[] }>(MODES.map((m) => [m, { rps: [], p99: [] }]))
  for (let round = 0; round < rounds; round++) {
    for (const mode of MODES) {
      const { child, url } = await startChild(mode, pyroscopeUrl)
      const r = await measure(url, seconds)
      child.kill()
      results.get(mode)!.rps.push(r.rps)
      results.get(mode)!.p99.push(r.p99)
    }
  }
  pyroscope.close()
  const base = median(results.get('routes-only')!.rps)
  console.log(`profiling overhead — ${rounds} interleaved rounds × ${seconds} s, 10 connections, median`)
  for (const mode of MODES) {
    const { rps, p99 } = results.get(mode)!
    const m = median(rps)
    console.log(
      `${mode.padEnd(13)} ${m.toFixed(0).padStart(7)} req/s  ${((m / base) * 100).toFixed(1).padStart(5)} % of routes-only  p99 ${median(p99)} ms  (runs: ${rps.map((x) => x.toFixed(0)).join(', ')})`,
    )
  }
  console.log(`(loopback Pyroscope received ${pushes} pushes; the first window starts at app start)`)
}

if (process.argv[2] === '--serve') await serve(process.argv[3] as Mode, process.argv[4]!)
else await main()
