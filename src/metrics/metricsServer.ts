import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ResolvedConfig } from '../config/schema.ts'
import { writeOps } from '../http/nodeBinding.ts'
import type { MetricRegistry } from './metricRegistry.ts'
import { createScrapeHandler } from './metricsRoute.ts'

/**
 * A separate listener that serves only the metrics path (`metrics.port`, e.g. an internal port not exposed by
 * the ingress). Same protection as on the app port. `port: 0` picks a free port (tests).
 *
 * @example
 * const server = createMetricsServer(config, registry)
 * const { port } = await server.listen()
 * await server.close()
 */
export function createMetricsServer(
  config: ResolvedConfig,
  registry: MetricRegistry,
): { listen(): Promise<{ port: number; host: string }>; close(): Promise<void>; readonly server: Server } {
  const scrape = createScrapeHandler(config, registry)
  const server = createServer(function metricsListener(req, res) {
    const path = (req.url ?? '/').split('?')[0]
    if ((req.method !== 'GET' && req.method !== 'HEAD') || path !== config.metrics.path) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":{"code":"not_found","message":"only the metrics path is served here"}}')
      return
    }
    scrape({ method: req.method, headers: req.headers, clientIp: req.socket.remoteAddress }).then(
      (out) => writeOps(res, req.method ?? 'GET', out),
      () => {
        res.writeHead(500).end()
      },
    )
  })
  server.keepAliveTimeout = 65_000
  return {
    server,
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(config.metrics.port ?? 0, config.metrics.host, () => {
          server.off('error', reject)
          const addr = server.address() as AddressInfo
          resolve({ port: addr.port, host: addr.address })
        })
      })
    },
    close() {
      return new Promise((resolve) => {
        if (!server.listening) return resolve()
        server.close(() => resolve())
        server.closeIdleConnections()
      })
    },
  }
}
