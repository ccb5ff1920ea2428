/**
 * The OTLP sink both sides export to: a loopback HTTP server that accepts POST /v1/traces, /v1/metrics and
 * /v1/logs (protobuf or JSON), reads the body and answers 200 with an empty export response, counting requests
 * and bytes per path (`GET /stats`). Its port goes to the runner on fd 3.
 */
import { writeSync } from 'node:fs'
import { createServer } from 'node:http'

const PATHS = new Set(['/v1/traces', '/v1/metrics', '/v1/logs'])
const stats = {}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats))
    return
  }
  if (req.method !== 'POST' || !PATHS.has(req.url)) {
    res.writeHead(404).end()
    return
  }
  let bytes = 0
  req.on('data', (chunk) => {
    bytes += chunk.length
  })
  req.on('end', () => {
    stats[req.url] ??= { requests: 0, bytes: 0 }
    const entry = stats[req.url]
    entry.requests++
    entry.bytes += bytes
    const json = (req.headers['content-type'] ?? '').includes('json')
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' })
    res.end(json ? '{}' : '')
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => writeSync(3, `LISTENING ${server.address().port}\n`))
