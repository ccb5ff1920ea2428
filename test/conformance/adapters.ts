/**
 * One app, three adapters: the same routes served through Fastify (both of its start paths), Express and
 * node:http, each with its own Lookout instance, for the conformance suite.
 *
 * Routes: GET /users/:id · GET /api/items/:itemId (a mounted router / prefix) · GET /sync-throw ·
 * GET /async-throw · GET /stream (chunked) · GET /slow (waits for `release()`) · anything else → 404.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import Fastify from 'fastify'
import { createLookout, type Lookout, type LookoutLogger, type LookoutOptions } from 'lookout'
import { lookout as expressLookout } from 'lookout/express'
import { lookout as fastifyLookout } from 'lookout/fastify'
import { withLookout } from 'lookout/http'
import pino from 'pino'

/** `fastify-onrequest`: the Fastify plugin with `startIn: 'onRequest'` (its fallback start path). */
export type AdapterName = 'fastify' | 'fastify-onrequest' | 'express' | 'node'
export const ADAPTERS: readonly AdapterName[] = ['fastify', 'fastify-onrequest', 'express', 'node']

export interface RunningApp {
  readonly url: string
  readonly lookout: Lookout
  /** Lets every pending /slow request finish. */
  release(): void
  /** Resolves when a /slow request has entered its handler. */
  slowEntered(): Promise<void>
  close(): Promise<void>
}

function gate() {
  let release!: () => void
  let promise = new Promise<void>((r) => {
    release = r
  })
  let entered!: () => void
  let enteredPromise = new Promise<void>((r) => {
    entered = r
  })
  return {
    wait: () => promise,
    release: () => {
      release()
      promise = Promise.resolve()
    },
    markEntered: () => entered(),
    entered: () => enteredPromise,
    reset() {
      enteredPromise = new Promise<void>((r) => {
        entered = r
      })
    },
  }
}

async function streamBody(write: (chunk: string) => void): Promise<void> {
  for (let i = 0; i < 5; i++) {
    write(`chunk-${i}\n`)
    await new Promise((r) => setImmediate(r))
  }
}

/** Starts the conformance app on the named adapter, listening on 127.0.0.1:0 (silent unless given a logger). */
export async function startApp(
  adapter: AdapterName,
  options: LookoutOptions = {},
  extras: { readonly logger?: LookoutLogger } = {},
): Promise<RunningApp> {
  const { health } = options
  const lookout = createLookout(
    {
      service: `conformance-${adapter}`,
      ...options,
      // Merged: a caller's own `health` (its checks, say) must not bring back the 5 s default drain delay.
      health: { ...health, shutdown: { drainDelayMs: 10, ...health?.shutdown } },
    } as LookoutOptions,
    { env: {}, logger: extras.logger ?? pino({ level: 'silent' }) },
  )
  const g = gate()
  let server: Server
  let closeApp: () => Promise<void>

  if (adapter === 'fastify' || adapter === 'fastify-onrequest') {
    const app = Fastify()
    await app.register(fastifyLookout, {
      lookout,
      startIn: adapter === 'fastify' ? 'auto' : 'onRequest',
    })
    app.get('/users/:id', async (req) => ({ id: (req.params as { id: string }).id }))
    await app.register(
      async (api) => {
        api.get('/items/:itemId', async (req) => ({ item: (req.params as { itemId: string }).itemId }))
      },
      { prefix: '/api' },
    )
    app.get('/sync-throw', () => {
      throw new Error('sync failure')
    })
    app.get('/async-throw', async () => {
      throw new Error('async failure')
    })
    app.get('/stream', (_req, reply) => {
      reply.raw.writeHead(200, { 'content-type': 'text/plain' })
      void streamBody((c) => reply.raw.write(c)).then(() => reply.raw.end())
      return reply.hijack()
    })
    app.get('/slow', async () => {
      g.markEntered()
      await g.wait()
      return { slow: true }
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    server = app.server
    closeApp = () => app.close()
  } else if (adapter === 'express') {
    const app = express()
    app.set('env', 'test') // keep Express's default error handler from printing the expected test errors
    const mw = expressLookout({ lookout })
    app.use(mw)
    app.get('/users/:id', (req, res) => {
      res.json({ id: req.params.id })
    })
    const api = express.Router()
    api.get('/items/:itemId', (req, res) => {
      res.json({ item: req.params.itemId })
    })
    app.use('/api', api)
    app.get('/sync-throw', () => {
      throw new Error('sync failure')
    })
    app.get('/async-throw', async () => {
      throw new Error('async failure')
    })
    app.get('/stream', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      void streamBody((c) => res.write(c)).then(() => res.end())
    })
    app.get('/slow', async (_req, res) => {
      g.markEntered()
      await g.wait()
      res.json({ slow: true })
    })
    app.use(mw.errors)
    server = createServer(app)
    lookout.attachServer(server)
    await lookout.start()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    closeApp = async () => {
      await lookout.shutdown()
      if (server.listening) await new Promise<void>((r) => server.close(() => r()))
    }
  } else {
    const routes: [RegExp, string][] = [
      [/^\/users\/[^/]+$/, '/users/:id'],
      [/^\/api\/items\/[^/]+$/, '/api/items/:itemId'],
      [/^\/sync-throw$/, '/sync-throw'],
      [/^\/async-throw$/, '/async-throw'],
      [/^\/stream$/, '/stream'],
      [/^\/slow$/, '/slow'],
    ]
    const pathOf = (req: IncomingMessage) => (req.url ?? '/').split('?')[0]!
    const listener = async (req: IncomingMessage, res: ServerResponse) => {
      const path = pathOf(req)
      const json = (status: number, body: unknown) => {
        const text = JSON.stringify(body)
        res
          .writeHead(status, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(text),
          })
          .end(text)
      }
      if (/^\/users\//.test(path)) return json(200, { id: path.split('/')[2] })
      if (/^\/api\/items\//.test(path)) return json(200, { item: path.split('/')[3] })
      if (path === '/sync-throw') throw new Error('sync failure')
      if (path === '/async-throw') {
        await Promise.resolve()
        throw new Error('async failure')
      }
      if (path === '/stream') {
        res.writeHead(200, { 'content-type': 'text/plain' })
        await streamBody((c) => res.write(c))
        return res.end()
      }
      if (path === '/slow') {
        g.markEntered()
        await g.wait()
        return json(200, { slow: true })
      }
      json(404, { error: 'not found' })
    }
    const handler = withLookout(listener, {
      lookout,
      route: (req) => routes.find(([re]) => re.test(pathOf(req)))?.[1],
    })
    server = createServer(handler)
    lookout.attachServer(server)
    await lookout.start()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    closeApp = async () => {
      await lookout.shutdown()
      if (server.listening) await new Promise<void>((r) => server.close(() => r()))
    }
  }
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    lookout,
    release: () => g.release(),
    slowEntered: async () => {
      await g.entered()
      g.reset()
    },
    close: closeApp,
  }
}
