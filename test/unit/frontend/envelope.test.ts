import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildReportEnvelope } from '../../../src/frontend/buildReportEnvelope.ts'
import { parseDsn } from '../../../src/frontend/parseDsn.ts'
import { MAX_ENVELOPE_HEADER_BYTES, readEnvelopeHeader } from '../../../src/frontend/readEnvelopeHeader.ts'
import { parseEnvelope } from '../../support/sentryReceiver.ts'

const dsn = 'https://k@o1.ingest.sentry.io/1'

const headers: [string, Buffer | undefined, { dsn: string } | undefined][] = [
  ['a header line followed by items', Buffer.from(`{"dsn":"${dsn}"}\n{"type":"event"}\n{}`), { dsn }],
  ['a header-only envelope', Buffer.from(`{"dsn":"${dsn}","sent_at":"2024-01-01T00:00:00Z"}`), { dsn }],
  ['a CRLF header line', Buffer.from(`{"dsn":"${dsn}"}\r\n{"type":"event"}\n{}`), { dsn }],
  ['no body', undefined, undefined],
  ['an empty body', Buffer.alloc(0), undefined],
  ['a header without dsn', Buffer.from('{"event_id":"x"}\n{}'), undefined],
  ['a numeric dsn', Buffer.from('{"dsn":42}\n'), undefined],
  ['a JSON array header', Buffer.from(`["${dsn}"]\n`), undefined],
  ['a JSON null header', Buffer.from('null\n'), undefined],
  ['a header that is not JSON', Buffer.from('dsn=x\n{}'), undefined],
  ['a body starting with a newline', Buffer.from(`\n{"dsn":"${dsn}"}`), undefined],
  ['invalid UTF-8', Buffer.from([0xff, 0xfe, 0x0a]), undefined],
  [
    'a header line longer than the cap',
    Buffer.from(`{"dsn":"${dsn}","pad":"${'x'.repeat(MAX_ENVELOPE_HEADER_BYTES)}"}\n{}`),
    undefined,
  ],
]

for (const [why, body, expected] of headers) {
  test(`readEnvelopeHeader reads ${why} as ${expected ? 'a dsn' : 'nothing'}`, () => {
    assert.deepEqual(readEnvelopeHeader(body), expected)
  })
}

test('readEnvelopeHeader never parses past the first line', () => {
  // The rest is deliberately not JSON; only line one matters.
  const body = Buffer.concat([Buffer.from(`{"dsn":"${dsn}"}\n`), Buffer.from([0x00, 0xff, 0x7b, 0x0a, 0x5d])])
  assert.deepEqual(readEnvelopeHeader(body), { dsn })
})

test('a report envelope has a header with the canonical DSN and one event item whose length is exact', () => {
  const bytes = buildReportEnvelope(
    {
      message: 'boom – ünïcode',
      stack: 'Error: boom\n    at x (app.js:1:1)',
      url: 'https://app.example.com/cart',
      release: 'web@1.2.3',
      level: 'error',
      kind: 'unhandledrejection',
      app: 'web',
      tags: { route: '/cart' },
    },
    {
      dsn: parseDsn('https://k:secret@O1.ingest.sentry.io/1')!,
      environment: 'production',
      eventId: 'f'.repeat(32),
      now: new Date('2024-05-01T10:00:00.000Z'),
    },
  )
  const parsed = parseEnvelope(bytes)
  assert.notEqual(typeof parsed, 'string', String(parsed))
  const env = parsed as Exclude<typeof parsed, string>
  assert.deepEqual(env.header, {
    event_id: 'f'.repeat(32),
    sent_at: '2024-05-01T10:00:00.000Z',
    dsn: 'https://k@o1.ingest.sentry.io/1',
    sdk: { name: 'lookout.frontend_report', version: '1' },
  })
  assert.equal(env.items.length, 1)
  assert.equal(env.items[0]!.header.type, 'event')
  assert.equal(env.items[0]!.header.length, env.items[0]!.payload.length)
  const event = JSON.parse(env.items[0]!.payload.toString('utf8'))
  assert.deepEqual(event, {
    event_id: 'f'.repeat(32),
    timestamp: 1714557600,
    platform: 'javascript',
    level: 'error',
    logger: 'lookout.frontend_report',
    message: { formatted: 'boom – ünïcode' },
    environment: 'production',
    tags: { route: '/cart', app: 'web', kind: 'unhandledrejection' },
    release: 'web@1.2.3',
    request: { url: 'https://app.example.com/cart' },
    extra: { stack: 'Error: boom\n    at x (app.js:1:1)' },
  })
  assert.ok(!bytes.includes('secret'), 'the DSN secret never leaves')
})
