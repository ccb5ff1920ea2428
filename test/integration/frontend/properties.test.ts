import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { type FrontendApp, frontendApp } from './frontendApp.ts'

// Thousands of generated bodies against the public report and ingestion endpoints: never a 5xx, never a crash,
// never a piece of PII in the logs or the metrics exposition. Seeded, so a failure is reproducible.

const PII = [
  'jane.doe@example.com',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  'Bearer abcdef0123456789abcdef',
  '4111 1111 1111 1111',
  '123-45-6789',
  '+1 415 555 2671',
  'AKIAIOSFODNN7EXAMPLE',
]
const SEED = 20240501
const piiSample = fc.constantFrom(...PII)
/** Random text with PII samples woven in (separated, so a sample is never fused into a longer token). */
const text = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc
    .tuple(fc.string({ maxLength: 40 }), piiSample, fc.string({ maxLength: 40 }))
    .map(([a, p, b]) => `${a} | ${p} | ${b}`),
  piiSample,
)
const OK_STATUSES = new Set([202, 400, 413, 415, 422])

function assertNoPii(where: string, haystack: string): void {
  for (const p of PII) assert.ok(!haystack.includes(p), `${where} contains "${p}"`)
}

async function post(fe: FrontendApp, url: string, payload: string | Buffer, contentType: string) {
  const res = await fe.app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload })
  assert.ok(OK_STATUSES.has(res.statusCode), `status ${res.statusCode} for ${String(payload).slice(0, 200)}`)
  return res
}

const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/json; charset=utf-8',
  'application/xml',
  '',
)

describe('POST /observability/sentry/report under generated input', () => {
  test('arbitrary JSON, structured reports with PII and raw bytes: no 5xx, no PII logged or exposed', async (t) => {
    const fe = await frontendApp({
      frontend: { report: { enabled: true, apps: ['web'], rateLimit: { perMinute: 1_000_000 } } },
    })
    t.after(() => fe.close())
    const url = '/observability/sentry/report'

    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (v) => {
        await post(fe, url, JSON.stringify(v) ?? 'null', 'application/json')
      }),
      { numRuns: 1500, seed: SEED },
    )

    const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) =>
      fc.oneof({ weight: 9, arbitrary: good }, { weight: 1, arbitrary: bad })
    const report = fc
      .record(
        {
          message: text,
          stack: text,
          url: fc.oneof(
            text,
            text.map((s) => `https://app.example.com/p?email=${s}#${s}`),
          ),
          release: text,
          level: mostly(fc.constantFrom('fatal', 'error', 'warning', 'info', 'debug'), fc.constant('panic')),
          kind: mostly(fc.constantFrom('error', 'unhandledrejection', 'csp'), fc.constant('weird')),
          app: fc.oneof(fc.constantFrom('web', 'admin'), text),
          tags: fc.dictionary(
            mostly(
              fc.constantFrom('route', 'email', 'password', 'token', 'phone'),
              fc.string({ maxLength: 12 }),
            ),
            text,
            { maxKeys: 6 },
          ),
        },
        { requiredKeys: [] },
      )
      .chain((r) =>
        mostly(
          fc.constant(r),
          text.map((extra) => ({ ...r, extra })),
        ),
      )
    let accepted = 0
    await fc.assert(
      fc.asyncProperty(report, contentType, async (body, type) => {
        const res = await post(fe, url, JSON.stringify(body), type)
        if (res.statusCode === 202) accepted++
      }),
      { numRuns: 2000, seed: SEED },
    )
    assert.ok(accepted > 100, `the generator reaches the happy path (${accepted} accepted)`)

    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), contentType, async (bytes, type) => {
        await post(fe, url, Buffer.from(bytes), type)
      }),
      { numRuns: 500, seed: SEED },
    )

    assert.ok(fe.logs.filter((l) => l.includes('"frontend_error"')).length >= accepted)
    assertNoPii('the logs', fe.logs.join('\n'))
    const exposition = await fe.metrics()
    assertNoPii('the metrics', exposition)
    for (const line of exposition.split('\n')) {
      const m = /^lookout_frontend_errors_total\{app="([^"]*)",kind="([^"]*)"\}/.exec(line)
      if (m) assert.ok(['web', 'other'].includes(m[1]!), `app label ${m[1]}`)
    }
  })
})

describe(`POST /api/v1/metrics under generated input`, () => {
  const catalog = {
    signup_started: { labels: { plan: ['free', 'pro'], source: ['ad', 'organic'] } },
    items_viewed: { labels: { page: ['home', 'cart'] }, maxValue: 20 },
    ping: {},
  }
  const allowedValues: Record<string, Set<string>> = {
    event: new Set(Object.keys(catalog)),
    plan: new Set(['free', 'pro', '']),
    source: new Set(['ad', 'organic', '']),
    page: new Set(['home', 'cart', '']),
  }

  test('arbitrary and hostile events: no 5xx, no PII in metrics or logs, only catalog label values exposed', async (t) => {
    const fe = await frontendApp({
      frontend: { events: { catalog, maxBatch: 10, rateLimit: { perMinute: 1_000_000 } } },
    })
    t.after(() => fe.close())
    const url = '/api/v1/metrics'

    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (v) => {
        await post(fe, url, JSON.stringify(v) ?? 'null', 'application/json')
      }),
      { numRuns: 1500, seed: SEED },
    )

    const event = fc.record(
      {
        event: fc.oneof(fc.constantFrom(...Object.keys(catalog)), text),
        value: fc.oneof(fc.integer({ min: -5, max: 30 }), fc.double(), fc.string({ maxLength: 3 })),
        labels: fc.dictionary(
          fc.oneof(
            fc.constantFrom(
              'plan',
              'source',
              'page',
              'email',
              'user_password',
              'phoneNumber',
              'ip',
              '__proto__',
            ),
            fc.string({ maxLength: 10 }),
          ),
          fc.oneof(fc.constantFrom('free', 'pro', 'ad', 'organic', 'home', 'cart'), text),
          { maxKeys: 4 },
        ),
      },
      { requiredKeys: ['event'] },
    )
    const body = fc.oneof(
      event,
      fc.array(event, { maxLength: 12 }),
      fc.record({ events: fc.array(event, { maxLength: 12 }) }),
    )
    await fc.assert(
      fc.asyncProperty(body, contentType, async (b, type) => {
        await post(fe, url, JSON.stringify(b), type)
      }),
      { numRuns: 2000, seed: SEED },
    )

    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), contentType, async (bytes, type) => {
        await post(fe, url, Buffer.from(bytes), type)
      }),
      { numRuns: 500, seed: SEED },
    )

    const exposition = await fe.metrics()
    assertNoPii('the metrics', exposition)
    assertNoPii('the logs', fe.logs.join('\n'))
    for (const line of exposition.split('\n')) {
      if (!line.startsWith('lookout_public_events_total{')) continue
      for (const [, key, value] of line.matchAll(/(\w+)="([^"]*)"/g)) {
        assert.ok(allowedValues[key!]?.has(value!), `label ${key}="${value}" is outside the catalog`)
      }
    }
  })

  test('any batch built only from the catalog is accepted and counted exactly', async (t) => {
    const fe = await frontendApp({
      frontend: { events: { catalog, maxBatch: 10, rateLimit: { perMinute: 1_000_000 } } },
    })
    t.after(() => fe.close())
    const valid = fc.oneof(
      fc.record(
        {
          event: fc.constant('signup_started'),
          labels: fc.record(
            { plan: fc.constantFrom('free', 'pro'), source: fc.constantFrom('ad', 'organic') },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: ['event'] },
      ),
      fc.record({
        event: fc.constant('items_viewed'),
        value: fc.integer({ min: 1, max: 20 }),
        labels: fc.record({ page: fc.constantFrom('home', 'cart') }),
      }),
      fc.record({ event: fc.constant('ping') }),
    )
    let expected = 0
    await fc.assert(
      fc.asyncProperty(fc.array(valid, { minLength: 1, maxLength: 10 }), async (batch) => {
        const res = await fe.app.inject({ method: 'POST', url: '/api/v1/metrics', payload: batch })
        assert.equal(res.statusCode, 202, res.body)
        for (const e of batch) expected += (e as { value?: number }).value ?? 1
      }),
      { numRuns: 500, seed: SEED },
    )
    let total = 0
    for (const line of (await fe.metrics()).split('\n')) {
      if (line.startsWith('lookout_public_events_total{'))
        total += Number(line.slice(line.lastIndexOf(' ') + 1))
    }
    assert.equal(total, expected)
  })
})
