import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { DEFAULT_TIMEOUTS } from '../conventions.ts'
import type { HealthCheck } from '../healthCheck.ts'
import { urlHost } from '../stripCredentials.ts'

/** Anything with `ping()`: an ioredis client, a node-redis client, a cluster. */
export interface RedisPingable {
  ping(): Promise<unknown>
}

/** Options of {@link redisCheck}. */
export interface RedisCheckOptions {
  /** An ioredis / node-redis client (its `ping()` is called), or a `redis://` / `rediss://` URL. */
  readonly target: RedisPingable | string
  /** Default `redis`. */
  readonly name?: string
  /** Default 1000 ms. */
  readonly timeoutMs?: number
  /** Default `true`. */
  readonly critical?: boolean
}

/**
 * Redis check: `PING` and its latency. With a URL, each run opens one plain (or TLS) connection, sends `AUTH`
 * when the URL has a password and `PING`, and closes it — no client state that could hide an outage behind
 * reconnect queues.
 *
 * @example
 * import Redis from 'ioredis'
 * createLookout({ health: { checks: [redisCheck({ target: new Redis(process.env.REDIS_URL) })] } })
 */
export function redisCheck(options: RedisCheckOptions): HealthCheck {
  const target = options.target
  const run =
    typeof target === 'string'
      ? function redisUrlCheck(signal: AbortSignal) {
          return pingUrl(target, signal)
        }
      : async function redisClientCheck() {
          const reply = await target.ping()
          if (reply !== 'PONG') return { status: 'fail' as const, output: `unexpected PING reply` }
          return undefined
        }
  return {
    name: options.name ?? 'redis',
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUTS.redis,
    critical: options.critical ?? true,
    componentType: 'datastore',
    measurement: 'responseTime',
    endpoint: typeof target === 'string' ? urlHost(target) : undefined,
    run,
  }
}

function command(...args: string[]): string {
  let out = `*${args.length}\r\n`
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`
  return out
}

function pingUrl(text: string, signal: AbortSignal): Promise<undefined> {
  const url = new URL(text)
  const tls = url.protocol === 'rediss:'
  const host = url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1'
  const port = Number(url.port || 6379)
  const password = decodeURIComponent(url.password)
  const user = decodeURIComponent(url.username)
  let payload = ''
  let expected = 1
  if (password !== '') {
    payload += user !== '' ? command('AUTH', user, password) : command('AUTH', password)
    expected++
  }
  payload += command('PING')
  return new Promise((resolve, reject) => {
    let socket: Socket | undefined
    const fail = (error: Error) => {
      socket?.destroy()
      reject(error)
    }
    if (signal.aborted) return fail(new Error('aborted'))
    signal.addEventListener('abort', () => fail(new Error('aborted')), { once: true })
    const onConnect = () => socket!.write(payload)
    socket = tls
      ? tlsConnect({ host, port, servername: host }, onConnect)
      : netConnect({ host, port }, onConnect)
    let buffered = ''
    socket.setEncoding('utf8')
    socket.on('error', (err) => fail(err))
    socket.on('data', (chunk: string) => {
      buffered += chunk
      const lines = buffered.split('\r\n')
      if (lines.length - 1 < expected) return
      for (const line of lines.slice(0, expected)) {
        if (line.startsWith('-')) return fail(new Error(`redis replied ${line.slice(1).split(' ')[0]}`))
      }
      if (lines[expected - 1] !== '+PONG') return fail(new Error('unexpected PING reply'))
      socket!.end()
      socket!.destroy()
      resolve(undefined)
    })
    socket.on('close', () => reject(new Error('connection closed before PONG')))
  })
}
