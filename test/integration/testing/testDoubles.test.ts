import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { createLookout } from 'lookout'
import { createAlertSink, createFakeClock, createLogCapture } from 'lookout/testing'

test('the alert sink receives a fired alert through a real webhook channel, signature checked, retries included', async (t) => {
  const logs = createLogCapture({ service: 'doubles' }, 'warn')
  const lookout = createLookout(
    {
      service: 'doubles',
      store: { url: `sqlite:${join(mkdtempSync(join(tmpdir(), 'lookout-doubles-')), 'ops.db')}` },
      // The sink listens on loopback, which the outbound policy refuses unless allowed.
      alerting: {
        enabled: true,
        allowPrivateTargets: true,
        worker: { pollIntervalMs: 50, backoffBaseMs: 20, backoffMaxMs: 100 },
      },
      status: { enabled: false },
      health: { shutdown: { drainDelayMs: 0 } },
    } as never,
    { env: {}, logger: logs.logger },
  )
  await lookout.start()
  t.after(() => lookout.shutdown())
  const sink = await createAlertSink()
  t.after(() => sink.close())
  const config = await lookout.alerts.setConfig('acme', {
    channels: [sink.channel],
    routes: [{ match: {}, channels: [sink.channel.id] }],
  })
  assert.ok(config.ok, JSON.stringify(config))
  sink.failNext(1, 503)
  await lookout.alerts.fire({
    tenant: 'acme',
    alertname: 'DiskFull',
    severity: 'warning',
    summary: 'disk at 95%',
  })
  const [alert] = await sink.waitFor(1)
  assert.equal(alert!.action, 'trigger')
  assert.equal((alert!.body.alert as { alertname: string }).alertname, 'DiskFull')
  assert.equal(alert!.body.tenant, 'acme')
})

test('a request to the sink without a valid signature is refused with 401', async (t) => {
  const sink = await createAlertSink()
  t.after(() => sink.close())
  const res = await fetch(sink.url, {
    method: 'POST',
    body: '{}',
    headers: { 'lookout-signature': 't=1,v1=' + '0'.repeat(64) },
  })
  assert.equal(res.status, 401)
  assert.equal(sink.received.length, 0)
})

test('log capture keeps parsed lines with Lookout redaction applied', () => {
  const logs = createLogCapture({ service: 'doubles' })
  logs.logger.info(
    { event: 'login', password: 'hunter2-secret', email: 'jane@example.com' },
    'user logged in',
  )
  const [line] = logs.find({ event: 'login' })
  assert.equal(line!.service, 'doubles')
  assert.ok(!logs.raw.join('\n').includes('hunter2-secret'))
  assert.ok(!logs.raw.join('\n').includes('jane@example.com'))
  logs.clear()
  assert.equal(logs.lines.length, 0)
})

test('the fake clock only moves when told to', () => {
  const clock = createFakeClock(1000)
  assert.equal(clock.now(), 1000)
  clock.advance(500)
  assert.equal(clock.now(), 1500)
  assert.throws(() => clock.advance(-1), RangeError)
})
