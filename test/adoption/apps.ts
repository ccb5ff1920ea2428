/**
 * The fresh apps the adoption suite installs Lookout into, as their authors would write them: each holds an
 * interval timer (standing in for a database pool), logs through `request.log` where the framework has one, prints
 * `listening <port>` on stderr and configures nothing about shutdown.
 */
export const APPS: Readonly<Record<string, { readonly file: string; readonly source: string }>> = {
  'fastify-logger': {
    file: 'app.mjs',
    source: `
import Fastify from 'fastify'
import { lookout } from 'lookout/fastify'
const pool = setInterval(() => {}, 1000)
const app = Fastify({ logger: true })
await app.register(lookout, { service: 'adoption' })
app.get('/hello', async (request) => {
  request.log.info({ email: 'alice@example.com', password: 'hunter2-secret' }, 'hello called')
  return { hello: 'world' }
})
await app.listen({ port: 0, host: '127.0.0.1' })
process.stderr.write('listening ' + app.server.address().port + '\\n')
`,
  },
  'fastify-own-routes': {
    file: 'app.mjs',
    source: `
import Fastify from 'fastify'
import { lookout } from 'lookout/fastify'
const pool = setInterval(() => {}, 1000)
const app = Fastify()
app.get('/health', async () => 'app health')
app.get('/status', async () => 'app status')
app.get('/hello', async () => ({ hello: 'world' }))
await app.register(lookout, { service: 'adoption' })
await app.listen({ port: 0, host: '127.0.0.1' })
process.stderr.write('listening ' + app.server.address().port + '\\n')
`,
  },
  express: {
    file: 'app.mjs',
    source: `
import express from 'express'
import { lookout } from 'lookout/express'
const pool = setInterval(() => {}, 1000)
const app = express()
const mw = lookout({ service: 'adoption' })
app.use(mw)
app.get('/hello', (req, res) => { res.json({ hello: 'world' }) })
app.use(mw.errors)
const server = app.listen(0, '127.0.0.1', async () => {
  await mw.lookout.start()
  process.stderr.write('listening ' + server.address().port + '\\n')
})
`,
  },
  http: {
    file: 'app.mjs',
    source: `
import { createServer } from 'node:http'
import { withLookout } from 'lookout/http'
const pool = setInterval(() => {}, 1000)
const handler = withLookout((req, res) => {
  res.setHeader('content-type', 'application/json')
  res.end(JSON.stringify({ hello: 'world' }))
}, { service: 'adoption', route: (req) => (req.url?.startsWith('/hello') ? '/hello' : undefined) })
const server = createServer(handler)
handler.lookout.attachServer(server)
await handler.lookout.start()
server.listen(0, '127.0.0.1', () => process.stderr.write('listening ' + server.address().port + '\\n'))
`,
  },
  commonjs: {
    file: 'app.cjs',
    source: `
const Fastify = require('fastify')
const { lookout } = require('lookout/fastify')
const pool = setInterval(() => {}, 1000)
async function main() {
  const app = Fastify()
  await app.register(lookout, { service: 'adoption' })
  app.get('/hello', async () => ({ hello: 'world' }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  process.stderr.write('listening ' + app.server.address().port + '\\n')
}
main()
`,
  },
}
