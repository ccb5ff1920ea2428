import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { describe, test } from 'node:test'
import type { LookoutOptions } from 'lookout'
import { createTenantTrust } from '../../src/http/tenantTrust.ts'
import { looksLikePersonalData } from '../../src/redact/looksLikePersonalData.ts'
import { ADAPTERS, startApp } from '../conformance/adapters.ts'

const TOKEN = 'tenant-flood-scrape-token-123'

/** Personal data a client or a careless app could offer as a tenant id. */
const PERSONAL = [
  '4111111111111111',
  '4111-1111-1111-1111',
  '5555555555554444',
  '4155552671',
  '415-555-2671',
  '+14155552671',
  '020.7946.0958',
  'GB82WEST12345698765432',
  'DE89370400440532013000',
  'jane@example.com',
  'jane%40example.com',
]
const IDS = ['acme', 'acme-eu', 'tenant_42', 'globex.prod', '12345', 'GB82WEST', 'a1b2c3d4']

describe('tenant trust', () => {
  test('personal data is told apart from tenant ids', () => {
    assert.deepEqual(
      PERSONAL.filter((v) => !looksLikePersonalData(v)),
      [],
    )
    assert.deepEqual(
      IDS.filter((v) => looksLikePersonalData(v)),
      [],
    )
  })

  test('tenant header values alone never take a slot, so a flood cannot displace a vouched tenant', () => {
    const trust = createTenantTrust({ configured: [], slots: 2, idleMs: 60_000 })
    for (let i = 0; i < 60; i++) assert.equal(trust.resolve(`junk-${i}`, undefined), 'other')
    assert.equal(trust.resolve('acme', 'acme'), 'acme')
    assert.equal(trust.resolve(undefined, 'globex'), 'globex')
    assert.equal(trust.resolve('acme', undefined), 'acme', 'a slot holder is recognised from its header')
    assert.equal(trust.resolve(undefined, undefined), 'none')
  })

  test('configured tenants are trusted from the header and take no slot', () => {
    const trust = createTenantTrust({ configured: ['acme'], slots: 1, idleMs: 60_000 })
    assert.equal(trust.provisional('acme'), 'acme')
    assert.equal(trust.resolve('acme', undefined), 'acme')
    assert.equal(trust.resolve(undefined, 'globex'), 'globex', 'the one slot is still free')
    assert.equal(trust.provisional('initech'), 'other')
  })

  test('a slot is free again once its tenant has been idle, and not before', () => {
    let now = 0
    const trust = createTenantTrust({ configured: [], slots: 1, idleMs: 10_000, now: () => now })
    assert.equal(trust.resolve(undefined, 'acme'), 'acme')
    now = 9_000
    assert.equal(trust.resolve(undefined, 'acme'), 'acme', 'refreshes the slot')
    now = 15_000
    assert.equal(trust.resolve(undefined, 'globex'), 'other', 'acme was active 6 s ago')
    assert.equal(trust.resolve('acme', undefined), 'acme')
    now = 19_500
    assert.equal(trust.resolve(undefined, 'globex'), 'globex', 'acme idle for 10.5 s')
    assert.equal(trust.resolve('acme', undefined), 'other')
  })

  test('vouched values that fail the grammar or look like personal data fold into other', () => {
    const trust = createTenantTrust({ configured: [], slots: 100, idleMs: 60_000 })
    for (const value of [...PERSONAL, 'a b', '-leading', 'x'.repeat(65), 'ünïcode', '../etc'])
      assert.equal(trust.resolve(value, value), 'other', value)
  })
})

/** The app's authentication, as the hook sees it: `Authorization: Tenant <id>` names the caller's tenant. */
function tenantOf(request: unknown): string | undefined {
  const auth = (request as { headers: IncomingHttpHeaders }).headers.authorization
  return auth?.startsWith('Tenant ') ? auth.slice('Tenant '.length) : undefined
}

const options: LookoutOptions = {
  metrics: { token: TOKEN, tenantLabel: true, cardinality: { maxTenants: 3 } },
  http: { tenants: ['globex'], tenantOf },
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
  assert.equal(res.status, 200)
  return res.text()
}

describe('tenant floods on every adapter', () => {
  for (const adapter of ADAPTERS) {
    test(`${adapter}: 60 unauthenticated 404s with random tenant headers leave vouched and configured tenants their labels`, async (t) => {
      const app = await startApp(adapter, options, {})
      t.after(() => app.close())
      for (let i = 0; i < 60; i++) {
        const res = await fetch(`${app.url}/no/such/${i}`, {
          headers: { 'x-tenant-id': randomBytes(6).toString('hex') },
        })
        assert.equal(res.status, 404)
        await res.text()
      }
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${app.url}/users/1`, {
          headers: { 'x-tenant-id': 'acme', authorization: 'Tenant acme' },
        })
        await res.text()
      }
      await (await fetch(`${app.url}/users/2`, { headers: { 'x-tenant-id': 'globex' } })).text()
      // A card number vouched by a careless app, and one in the header alone.
      for (const headers of <Record<string, string>[]>[
        { 'x-tenant-id': '4111111111111111', authorization: 'Tenant 4111111111111111' },
        { 'x-tenant-id': '5555555555554444' },
      ])
        await (await fetch(`${app.url}/users/3`, { headers })).text()

      const text = await scrape(app.url)
      const requests = (tenant: string, route: string, status: number) =>
        new RegExp(
          `http_requests_total\\{method="GET",route="${route.replace(/[/:]/g, '\\$&')}",status="${status}",tenant="${tenant}"\\} (\\d+)`,
        ).exec(text)?.[1]
      assert.equal(requests('acme', '/users/:id', 200), '3', text)
      assert.equal(requests('globex', '/users/:id', 200), '1')
      assert.equal(requests('other', '/users/:id', 200), '2')
      assert.equal(requests('other', '__unmatched__', 404), '60')
      const tenants = new Set([...text.matchAll(/tenant="([^"]*)"/g)].map((m) => m[1]))
      assert.deepEqual([...tenants].sort(), ['acme', 'globex', 'other'])
      assert.equal(app.lookout.core.inFlight, 0)
      assert.doesNotMatch(text, /http_requests_in_flight\{[^}]*\} -/, 'no in-flight gauge goes negative')
      assert.match(text, /http_requests_in_flight\{method="GET",route="\/users\/:id",tenant="other"\} 0/)
    })
  }
})
