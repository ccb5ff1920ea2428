import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { waitFor } from '../../support/binaries.ts'
import { startOtlpReceiver } from '../../support/otlpReceiver.ts'
import { spawnTsFixture } from '../../support/tsFixture.ts'

const FIXTURE = fileURLToPath(new URL('../../fixtures/tracing-apps/serviceApp.ts', import.meta.url))

const CASES = [
  {
    name: "the code's service option",
    env: { FIXTURE_SERVICE: 'billing' },
    service: 'billing',
    version: '2.3.4',
  },
  {
    name: 'LOOKOUT_SERVICE_NAME',
    env: { LOOKOUT_SERVICE_NAME: 'ledger' },
    service: 'ledger',
    version: '0.0.0',
  },
  {
    name: 'OTEL_SERVICE_NAME',
    env: { OTEL_SERVICE_NAME: 'payments' },
    service: 'payments',
    version: '0.0.0',
  },
  {
    name: "the code's service option over OTEL_SERVICE_NAME",
    env: { FIXTURE_SERVICE: 'billing', OTEL_SERVICE_NAME: 'payments' },
    service: 'billing',
    version: '2.3.4',
  },
] as const

describe('lookout/register names spans after the configured service', () => {
  for (const c of CASES) {
    test(`every span of a register-launched app carries service.name from ${c.name}`, async (t) => {
      const receiver = await startOtlpReceiver()
      t.after(() => receiver.close())
      const app = spawnTsFixture(
        t,
        FIXTURE,
        {
          PATH: process.env.PATH,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_BSP_SCHEDULE_DELAY: '20',
          LOOKOUT_HANDLE_SIGNALS: 'false',
          ...c.env,
        },
        { imports: ['lookout/register'] },
      )
      await waitFor('the app to listen', () => /READY \d+/.test(app.stdout), 120_000)
      const port = Number(/READY (\d+)/.exec(app.stdout)![1])
      const res = await fetch(`http://127.0.0.1:${port}/hop`)
      assert.equal(res.status, 200, `${await res.clone().text()} ${app.stderr}`)
      const traceId = res.headers.get('x-trace-id')
      // The /hop server span, its fetch client span (from the register's undici instrumentation), the /leaf server span.
      const spans = await receiver.waitForSpans(
        (all) => all.filter((s) => s.traceId === traceId).length >= 3,
        15_000,
      )
      const mine = spans.filter((s) => s.traceId === traceId)
      assert.deepEqual(
        mine.map((s) => [s.name, s.resource['service.name'], s.resource['service.version']]).sort(),
        mine.map((s) => [s.name, c.service, c.version]).sort(),
      )
      assert.ok(
        mine.some((s) => s.kind === 3),
        `a client span: ${mine.map((s) => s.name).join(', ')}`,
      )
    })
  }
})
