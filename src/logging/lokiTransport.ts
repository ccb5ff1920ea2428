// The pino transport target that runs in a worker thread (pino.transport → thread-stream). It receives the
// serialised lines the main thread already wrote (redacted), and ships them with the Loki shipper. Counts go
// back to the main thread as thread-stream EVENT messages (`stream.emit(LOKI_WORKER_EVENT, event)` there).
import { parentPort } from 'node:worker_threads'
import build from 'pino-abstract-transport'
import { LOKI_DRAIN_MESSAGE, LOKI_WORKER_EVENT } from './conventions.ts'
import { createLokiShipper, type LokiShipperEvent, type LokiShipperOptions } from './lokiShipper.ts'

/**
 * Transport entry point (default export, as pino expects).
 *
 * @example
 * pino.transport({ target: lokiTransportPath(), options: shipperOptions })
 */
export default async function lokiTransport(options: LokiShipperOptions) {
  const report = (event: LokiShipperEvent) => {
    parentPort?.postMessage({ code: 'EVENT', name: LOKI_WORKER_EVENT, args: [event] })
  }
  const shipper = createLokiShipper(options, report)
  // Stop, step 1 (startLokiShipping): ship everything now, asynchronously, so the main thread's end() afterwards
  // finds nothing to wait for. A few turns first, so lines the stream has read are pushed into the shipper.
  parentPort?.on('message', (message: { code?: unknown } | null) => {
    if (message?.code !== LOKI_DRAIN_MESSAGE) return
    void (async () => {
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r))
      await shipper.close()
      report({ type: 'drained' })
    })()
  })
  return build(
    async (source: AsyncIterable<string>) => {
      for await (const line of source) shipper.push(line)
    },
    {
      parse: 'lines',
      async close() {
        await shipper.close()
      },
    },
  )
}
