import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { describe, test } from 'node:test'
import type { LookoutOptions } from 'lookout'
import { createLogCapture, createMemorySpanExporter } from 'lookout/testing'
import { ADAPTERS, startApp } from '../conformance/adapters.ts'

// Secrets and personal data a client can put in a request; none may reach a log line or a span in clear.
const OPERATOR_KEY = 'OPSKEY-0123456789abcdef'
const QUERY =
  `key=${OPERATOR_KEY}&pass=hunter2pass&code=448855&sig=deadbeefcafe&access_token=tok-998877` +
  '&api_key=ak-665544&X-Amz-Signature=amzsig-332211&page=2'
const QUERY_SECRETS = [
  OPERATOR_KEY,
  'hunter2pass',
  '448855',
  'deadbeefcafe',
  'tok-998877',
  'ak-665544',
  'amzsig-332211',
]
const EMAIL_ID = 'span.person@example.com'
const CARD_TENANT = '4111111111111111'
// A key only the configured redactor knows (`redact.keys`), inside a request id.
const CONFIGURED_ID = 'x-internal-hint=CONFIGUREDSECRET77'

const TOKEN = 'personal-data-scrape-token-1'
const options: LookoutOptions = {
  redact: { keys: ['x-internal-hint'] },
  metrics: { tenantLabel: true, token: TOKEN },
}

function leaks(text: string): string[] {
  return [...QUERY_SECRETS, 'person@example.com', CARD_TENANT, 'CONFIGUREDSECRET77'].filter((s) =>
    text.includes(s),
  )
}

describe('personal data and credentials in requests', () => {
  for (const adapter of ADAPTERS) {
    test(`${adapter}: query credentials, request ids and tenant values are redacted in the log line, the server span and /metrics`, async (t) => {
      const logs = createLogCapture(options)
      const spans = createMemorySpanExporter()
      const app = await startApp(
        adapter,
        { ...options, tracing: { spanExporter: spans } },
        { logger: logs.logger },
      )
      t.after(() => app.close())
      const first = await fetch(`${app.url}/users/7?${QUERY}`, {
        headers: { 'x-request-id': EMAIL_ID, 'x-tenant-id': CARD_TENANT },
      })
      assert.equal(first.status, 200)
      await first.text()
      // fetch() sets Host itself; node:http sends the one given.
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(`${app.url}/users/8`, {
          headers: { 'x-request-id': CONFIGURED_ID, host: 'x-internal-hint=CONFIGUREDSECRET77' },
        })
        req.on('response', (res) => res.resume().on('end', resolve))
        req.on('error', reject)
        req.end()
      })
      await app.lookout.tracing.flush()

      const requestLines = logs.raw.filter((l) => l.includes('"event":"request"'))
      assert.equal(requestLines.length, 2, logs.raw.join('\n'))
      assert.deepEqual(leaks(logs.raw.join('\n')), [], requestLines.join('\n'))
      const line = logs.find({ event: 'request', route: '/users/:id' })[0]!
      assert.match(String(line.path), /key=\[REDACTED\]/)
      assert.match(String(line.path), /page=2/)

      const server = spans.spansNamed('GET /users/:id')
      assert.equal(server.length, 2)
      const attributes = JSON.stringify(server.map((s) => s.attributes))
      assert.deepEqual(leaks(attributes), [], attributes)
      const [a, b] = server.map((s) => s.attributes)
      assert.equal(a!['lookout.request_id'], '[REDACTED_EMAIL]')
      assert.equal(a!['lookout.tenant_id'], '[REDACTED_CARD]')
      assert.equal(b!['lookout.request_id'], 'x-internal-hint=[REDACTED]')
      assert.equal(b!['server.address'], 'x-internal-hint=[REDACTED]')
      assert.match(String(a!['url.query']), /key=REDACTED/)
      assert.match(String(a!['url.query']), /page=2/)

      const metrics = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
      const text = await metrics.text()
      assert.deepEqual(leaks(text), [])
      assert.match(text, /tenant="other"/)
    })
  }
})
