import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import { createLookout } from 'lookout'
import { fastifyOptions, lookout as lookoutPlugin } from 'lookout/fastify'
import pino from 'pino'
import { logControllerOf } from '../../../src/http/adapters/fastifyInternals.ts'

/** A logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line))
      done()
    },
  })
  return { logger: pino({ level: 'info' }, sink), lines }
}

/** Hides Fastify's private symbol `description` from symbol look-ups until the test ends. */
function hideSymbol(t: { after(fn: () => void): void }, description: string) {
  const original = Object.getOwnPropertySymbols
  Object.getOwnPropertySymbols = (o: object) => original(o).filter((s) => s.description !== description)
  t.after(() => {
    Object.getOwnPropertySymbols = original
  })
}

// Tracing and the async context off: nothing else needs an onRequest hook, so only the start path under test
// decides whether requests are measured.
const bare = { tracing: { enabled: false }, logging: { context: false, requestLog: { enabled: false } } }

async function serve(app: FastifyInstance) {
  app.get('/users/:id', async () => ({ ok: true }))
  const echoed = await app.inject({ url: '/users/1', headers: { 'x-request-id': 'req-given-1' } })
  const generated = await app.inject('/users/2')
  const metrics = await app.inject('/metrics')
  return { echoed, generated, metrics: metrics.body }
}

function assertMeasured(out: Awaited<ReturnType<typeof serve>>) {
  assert.equal(out.echoed.statusCode, 200)
  assert.equal(out.echoed.headers['x-request-id'], 'req-given-1')
  assert.match(String(out.generated.headers['x-request-id']), /^[0-9a-f]{32}$/)
  assert.match(out.metrics, /http_requests_total\{method="GET",route="\/users\/:id",status="200"\} 2\n/)
  assert.match(
    out.metrics,
    /http_response_size_bytes_count\{method="GET",route="\/users\/:id",status="200"\} 2\n/,
  )
}

const events = (lines: Record<string, unknown>[], event: string) => lines.filter((l) => l.event === event)

describe('where the Fastify plugin starts requests', () => {
  test('with fastifyOptions(), Fastify’s public log controller starts every request, before the app’s hooks', async (t) => {
    const { logger, lines } = capturingLogger()
    const instance = createLookout(bare, { env: {}, logger })
    const app = Fastify(fastifyOptions(instance))
    t.after(() => app.close())
    const seen: unknown[] = []
    app.addHook('onRequest', async (request, reply) => {
      if (request.url !== '/metrics') seen.push(reply.getHeader('x-request-id'))
    })
    await app.register(lookoutPlugin, { lookout: instance })
    assertMeasured(await serve(app))
    assert.equal(seen[0], 'req-given-1', 'started before a hook registered ahead of the plugin')
    assert.deepEqual(events(lines, 'fastify_fast_start_off'), [])
  })

  test('a Fastify that stops calling the log controller is caught by the onRequest safety net, with one warning', async (t) => {
    const { logger, lines } = capturingLogger()
    const instance = createLookout(bare, { env: {}, logger })
    const app = Fastify()
    t.after(() => app.close())
    const before = logControllerOf(app)
    assert.ok(before)
    await app.register(lookoutPlugin, { lookout: instance })
    // What a Fastify that no longer routes requests through the instance's controller looks like to Lookout.
    ;(app as unknown as Record<symbol, unknown>)[before.key] = before.controller
    assertMeasured(await serve(app))
    const warnings = events(lines, 'fastify_fast_start_off')
    assert.equal(warnings.length, 1, 'warned once for three requests')
    assert.equal(warnings[0]?.level, 40)
  })

  for (const description of ['fastify.logController', 'fastify.context', 'fastify.reply.headers']) {
    test(`without Fastify’s private ${description}, requests are still measured and carry their request id`, async (t) => {
      hideSymbol(t, description)
      const { logger, lines } = capturingLogger()
      const instance = createLookout(bare, { env: {}, logger })
      const app = Fastify()
      t.after(() => app.close())
      await app.register(lookoutPlugin, { lookout: instance })
      assertMeasured(await serve(app))
      assert.equal(
        events(lines, 'fastify_start_in_hook').length,
        description === 'fastify.logController' ? 1 : 0,
        'says so once at registration when the log controller cannot be reached',
      )
      assert.deepEqual(events(lines, 'fastify_fast_start_off'), [])
    })
  }
})
