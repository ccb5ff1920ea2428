import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { announce, openBenchDb, realisticWork } from './common.ts'

const db = openBenchDb()
export function listener(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'GET' && req.url === '/hello') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":"world"}')
    return
  }
  if (req.method === 'POST' && req.url === '/orders') {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      let body: unknown
      try {
        body = JSON.parse(Buffer.concat(chunks).toString())
      } catch {
        res.writeHead(400).end()
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(realisticWork(db, body)))
    })
    return
  }
  res.writeHead(404).end()
}
if (import.meta.url === `file://${process.argv[1]}`) {
  const server = createServer(listener)
  server.listen(0, '127.0.0.1', () => announce((server.address() as { port: number }).port))
}
