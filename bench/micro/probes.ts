// Probe latency while every dependency hangs: a TCP server that accepts and never answers stands in for a
// PostgreSQL, a Redis and an HTTP dependency; the probes must answer from the cache (target < 50 ms; the Kubernetes
// default probe timeout is 1 s). Compared with the same probes when the dependencies are healthy-and-instant.
// Run: node --conditions=lookout-source --import tsx bench/micro/probes.ts
import { createServer, type Socket } from 'node:net'
import Fastify from 'fastify'
import { lookout } from '../../src/fastify/index.ts'
import { httpCheck } from '../../src/health/checks/httpCheck.ts'
import { postgresCheck } from '../../src/health/checks/postgresCheck.ts'
import { redisCheck } from '../../src/health/checks/redisCheck.ts'
import type { HealthCheck } from '../../src/health/healthCheck.ts'

const PROBES = 2000
const sockets = new Set<Socket>()
const blackhole = createServer((s) => {
  sockets.add(s)
  s.on('close', () => sockets.delete(s))
})
await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r))
const port = (blackhole.address() as { port: number }).port

async function measure(name: string, checks: HealthCheck[]): Promise<void> {
  const app = Fastify()
  await app.register(lookout, {
    logging: { level: 'silent' },
    metrics: { processMetrics: false, hostMetrics: false },
    health: {
      intervalMs: 500,
      defaultChecks: false,
      checks,
      shutdown: { handleSignals: false, drainDelayMs: 0 },
    },
  } as never)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  // Let the first round time out (2 s for PostgreSQL), so the numbers are steady-state.
  await new Promise((r) => setTimeout(r, 2200))
  for (const path of ['/health/ready', '/health', '/health/live']) {
    const samples: number[] = []
    for (let i = 0; i < PROBES; i++) {
      const t0 = performance.now()
      const res = await fetch(`${base}${path}`)
      await res.arrayBuffer()
      samples.push(performance.now() - t0)
    }
    samples.sort((a, b) => a - b)
    const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!.toFixed(2)
    console.log(
      `${name.padEnd(28)} ${path.padEnd(14)} p50 ${q(0.5).padStart(6)} ms  p99 ${q(0.99).padStart(6)} ms  max ${q(1).padStart(7)} ms`,
    )
  }
  await app.close()
}

await measure('dependencies instant', [
  { name: 'postgres', run: () => undefined },
  { name: 'redis', run: () => undefined },
  { name: 'idp', run: () => undefined },
])
await measure('dependencies hanging', [
  postgresCheck({ target: `postgres://u:p@127.0.0.1:${port}/db` }),
  redisCheck({ target: `redis://127.0.0.1:${port}` }),
  httpCheck({ name: 'idp', url: `http://127.0.0.1:${port}/health` }),
])
for (const s of sockets) s.destroy()
blackhole.close()
