import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { createLookout } from 'lookout'
import { createLogCapture } from 'lookout/testing'
import { buildCatalogApp } from '../../../examples/express-service/app.ts'

test('the Express demo serves its API with the same metrics, request log and probes as the Fastify demo', async (t) => {
  const logs = createLogCapture({ service: 'catalog-service' })
  const lookout = createLookout(
    {
      service: 'catalog-service',
      store: { url: 'sqlite::memory:' },
      status: { enabled: false },
      health: { shutdown: { drainDelayMs: 0 } },
    } as never,
    { env: {}, logger: logs.logger },
  )
  const server = buildCatalogApp(lookout).listen(0, '127.0.0.1')
  await new Promise((r) => server.once('listening', r))
  lookout.attachServer(server)
  await lookout.start()
  t.after(() => lookout.shutdown())
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  assert.equal((await fetch(`${base}/api/products/p1`)).status, 200)
  assert.equal((await fetch(`${base}/api/products/nope`)).status, 404)
  assert.equal((await fetch(`${base}/health/ready`)).status, 200)
  const metrics = await (await fetch(`${base}/metrics`)).text()
  assert.match(metrics, /http_requests_total\{method="GET",route="\/api\/products\/:id",status="200"\} 1/)
  assert.match(metrics, /http_requests_total\{method="GET",route="\/api\/products\/:id",status="404"\} 1/)
  assert.match(metrics, /catalog_lookups_total\{operation="product",status="missing"\} 1/)
  await lookout.core.idle()
  const lines = logs.find({ event: 'request', route: '/api/products/:id' })
  assert.equal(lines.length, 2)
  assert.deepEqual(lines.map((l) => l.level).sort(), ['info', 'warn'])
})
