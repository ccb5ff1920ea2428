import assert from 'node:assert/strict'
import { once } from 'node:events'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { describe, test } from 'node:test'
import { waitFor } from '../support/binaries.ts'
import { ADAPTERS, startApp } from './adapters.ts'

const TOKEN = 'conformance-scrape-token-123'

async function metrics(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
  assert.equal(res.status, 200)
  return res.text()
}

for (const adapter of ADAPTERS) {
  describe(`the ${adapter} adapter`, () => {
    test('routes are labelled by template, mounted routers included, and 404s by the unmatched constant', async (t) => {
      const app = await startApp(adapter, { metrics: { token: TOKEN } })
      t.after(() => app.close())
      assert.equal((await fetch(`${app.url}/users/42`)).status, 200)
      assert.equal((await fetch(`${app.url}/api/items/7`)).status, 200)
      assert.equal((await fetch(`${app.url}/no/such/${Math.random()}`)).status, 404)
      const text = await metrics(app.url)
      assert.match(text, /http_requests_total\{method="GET",route="\/users\/:id",status="200"\} 1/)
      assert.match(text, /http_requests_total\{method="GET",route="\/api\/items\/:itemId",status="200"\} 1/)
      assert.match(text, /http_requests_total\{method="GET",route="__unmatched__",status="404"\} 1/)
      assert.ok(!text.includes('/users/42'))
      // Response sizes come from Content-Length, however the app set it (Express setHeader, writeHead objects, Fastify).
      assert.match(
        text,
        /http_response_size_bytes_sum\{method="GET",route="\/users\/:id",status="200"\} 11\n/,
      )
    })

    test('errors thrown synchronously and asynchronously are measured as 500', async (t) => {
      const app = await startApp(adapter, { metrics: { token: TOKEN } })
      t.after(() => app.close())
      assert.equal((await fetch(`${app.url}/sync-throw`)).status, 500)
      assert.equal((await fetch(`${app.url}/async-throw`)).status, 500)
      const text = await metrics(app.url)
      assert.match(text, /route="\/sync-throw",status="500"\} 1/)
      assert.match(text, /route="\/async-throw",status="500"\} 1/)
    })

    test('a streamed response is measured once it ends and in-flight returns to 0', async (t) => {
      const app = await startApp(adapter, { metrics: { token: TOKEN } })
      t.after(() => app.close())
      const res = await fetch(`${app.url}/stream`)
      assert.equal(await res.text(), 'chunk-0\nchunk-1\nchunk-2\nchunk-3\nchunk-4\n')
      await app.lookout.core.idle()
      const text = await metrics(app.url)
      assert.match(text, /http_requests_total\{method="GET",route="\/stream",status="200"\} 1/)
      assert.match(text, /http_requests_in_flight\{method="GET",route="\/stream"\} 0/)
    })

    test('a client that disconnects is counted with status 499 and in-flight returns to 0', async (t) => {
      const app = await startApp(adapter, { metrics: { token: TOKEN } })
      t.after(() => app.close())
      const req = httpRequest(`${app.url}/slow`)
      req.on('error', () => {})
      req.end()
      await app.slowEntered()
      req.destroy()
      // The server sees the disconnect when the response closes; release the handler only after that.
      await waitFor('the disconnect to be counted', async () =>
        /http_requests_total\{method="GET",route="\/slow",status="499"\} 1/.test(await metrics(app.url)),
      )
      app.release()
      await app.lookout.core.idle()
      const text = await metrics(app.url)
      assert.match(text, /http_requests_total\{method="GET",route="\/slow",status="499"\} 1/)
      assert.match(text, /http_requests_in_flight\{method="GET",route="\/slow"\} 0/)
    })

    test('a pipelined connection destroyed with three requests in flight leaves in-flight at 0', async (t) => {
      const app = await startApp(adapter, { metrics: { token: TOKEN } })
      t.after(() => app.close())
      const { hostname, port } = new URL(app.url)
      const socket = connect(Number(port), hostname)
      socket.on('error', () => {})
      await once(socket, 'connect')
      // Node answers pipelined requests in order and never emits `close` on the queued responses when the
      // connection dies: only the connection's own close can finish them.
      socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(3))
      const deadline = Date.now() + 5000
      while (app.lookout.core.inFlight < 3 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 5))
      assert.equal(app.lookout.core.inFlight, 3)
      socket.destroy()
      await new Promise((r) => setTimeout(r, 30))
      app.release()
      await Promise.race([
        app.lookout.core.idle(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`in-flight stuck at ${app.lookout.core.inFlight}`)), 3000),
        ),
      ])
      const text = await metrics(app.url)
      assert.match(text, /http_requests_in_flight\{method="GET",route="\/slow"\} 0/)
    })

    test('a safe request id is echoed and an unsafe one replaced', async (t) => {
      const app = await startApp(adapter)
      t.after(() => app.close())
      const kept = await fetch(`${app.url}/users/1`, { headers: { 'x-request-id': 'conf-123' } })
      assert.equal(kept.headers.get('x-request-id'), 'conf-123')
      const replaced = await fetch(`${app.url}/users/1`, { headers: { 'x-request-id': 'bad id <>' } })
      assert.match(replaced.headers.get('x-request-id') ?? '', /^[0-9a-f]{32}$/)
    })

    test('an incoming sampled traceparent continues the trace (X-Trace-Id)', async (t) => {
      const app = await startApp(adapter)
      t.after(() => app.close())
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
      const res = await fetch(`${app.url}/users/1`, {
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      })
      assert.equal(res.headers.get('x-trace-id'), traceId)
    })

    test('probes answer and are not measured', async (t) => {
      const app = await startApp(adapter, { metrics: { token: TOKEN } })
      t.after(() => app.close())
      assert.equal((await fetch(`${app.url}/health/live`)).status, 200)
      assert.equal((await fetch(`${app.url}/health/ready`)).status, 200)
      const head = await fetch(`${app.url}/health/live`, { method: 'HEAD' })
      assert.equal(head.status, 200)
      // Every mounted route that reads operator keys has operator-key failure series at zero, probes included.
      const measured = (await metrics(app.url))
        .split('\n')
        .filter((l) => !l.startsWith('lookout_operator_auth_failures_total'))
      assert.ok(!measured.some((l) => l.includes('route="/health')))
    })

    test('/metrics refuses a missing token with 401', async (t) => {
      const app = await startApp(adapter, { metrics: { token: TOKEN } })
      t.after(() => app.close())
      assert.equal((await fetch(`${app.url}/metrics`)).status, 401)
      assert.equal(
        (await fetch(`${app.url}/metrics`, { headers: { authorization: 'Bearer nope-nope-nope-nope' } }))
          .status,
        401,
      )
    })

    test('ops routes with bodies and CORS preflights work (public event ingestion)', async (t) => {
      const app = await startApp(adapter, {
        metrics: { token: TOKEN },
        frontend: {
          events: { catalog: { signup_started: { labels: { plan: ['free', 'pro'] } } } },
          cors: { origins: ['https://app.example.com'] },
        },
      } as never)
      t.after(() => app.close())
      const preflight = await fetch(`${app.url}/api/v1/metrics`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
      })
      assert.ok(preflight.status === 204 || preflight.status === 200, `preflight ${preflight.status}`)
      assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example.com')
      const ok = await fetch(`${app.url}/api/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://app.example.com' },
        body: JSON.stringify({ event: 'signup_started', labels: { plan: 'pro' } }),
      })
      assert.ok(ok.status >= 200 && ok.status < 300, `accepted ${ok.status}`)
      const pii = await fetch(`${app.url}/api/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ event: 'signup_started', labels: { email: 'jane@example.com' } }),
      })
      assert.equal(pii.status, 422)
      const huge = await fetch(`${app.url}/api/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ event: 'signup_started', pad: 'x'.repeat(2 * 1024 * 1024) }),
      })
      assert.equal(huge.status, 413)
      assert.match(
        await metrics(app.url),
        /lookout_public_events_total\{event="signup_started",plan="pro"\} 1/,
      )
    })

    test('shutdown lets an in-flight request finish with 200 and readiness fails meanwhile', async (t) => {
      const app = await startApp(adapter, {
        health: { shutdown: { drainDelayMs: 50, graceMs: 10_000 } },
      } as never)
      t.after(() => app.close())
      const pending = fetch(`${app.url}/slow`)
      await app.slowEntered()
      const stopping = app.lookout.shutdown()
      await new Promise((r) => setTimeout(r, 20))
      const ready = await fetch(`${app.url}/health/ready`).then(
        (r) => r.status,
        () => 'refused',
      )
      assert.ok(ready === 503 || ready === 'refused', `readiness during shutdown: ${ready}`)
      app.release()
      const res = await pending
      assert.equal(res.status, 200)
      await stopping
    })
  })
}
