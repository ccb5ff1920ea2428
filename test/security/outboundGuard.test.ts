import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { test } from 'node:test'
import { request } from 'undici'
import { classifyAttempt } from '../../src/alerting/deliveryPolicy.ts'
import { sendChannelRequest } from '../../src/alerting/sendChannelRequest.ts'
import { addressClass } from '../../src/outbound/addressClass.ts'
import { checkOutboundUrl } from '../../src/outbound/checkOutboundUrl.ts'
import {
  createOutboundGuard,
  type OutboundLookup,
  outboundRefusalMessage,
} from '../../src/outbound/createOutboundGuard.ts'
import { loopbackForms, PRIVATE_TARGETS, startDecoyListener } from './decoyListener.ts'

const classes: [string, string][] = [
  ['127.0.0.1', 'loopback'],
  ['127.255.0.9', 'loopback'],
  ['::1', 'loopback'],
  ['0.0.0.0', 'unspecified'],
  ['::', 'unspecified'],
  ['10.1.2.3', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.0.1', 'private'],
  ['fd00::1', 'private'],
  ['fc00::5', 'private'],
  ['169.254.10.1', 'link_local'],
  ['fe80::1', 'link_local'],
  ['fe80::1%eth0', 'link_local'],
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.254', 'cgnat'],
  ['224.0.0.1', 'multicast'],
  ['ff02::1', 'multicast'],
  ['255.255.255.255', 'reserved'],
  ['169.254.169.254', 'metadata'],
  ['fd00:ec2::254', 'metadata'],
  ['100.100.100.200', 'metadata'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:169.254.169.254', 'metadata'],
  ['::127.0.0.1', 'loopback'],
  ['64:ff9b::a9fe:a9fe', 'metadata'],
  ['2002:7f00:1::', 'loopback'],
  ['8.8.8.8', 'public'],
  ['172.32.0.1', 'public'],
  ['100.128.0.1', 'public'],
  ['2606:4700::1111', 'public'],
  ['::ffff:8.8.8.8', 'public'],
  ['not-an-ip', 'reserved'],
]
test('addresses are classified by range, IPv6 forms carrying an IPv4 address by the address inside', () => {
  for (const [ip, cls] of classes) assert.equal(addressClass(ip), cls, ip)
})

test('the URL parser turns every IPv4 shorthand into the address the guard checks', () => {
  for (const host of ['2130706433', '0x7f000001', '0177.0.0.1', '127.1', '0x7f.1', '017700000001']) {
    const r = checkOutboundUrl(`http://${host}/`, {})
    assert.equal(r.ok, false, host)
    assert.match(!r.ok ? r.reason : '', /host "127\.0\.0\.1" is a loopback address/, host)
  }
  const creds = checkOutboundUrl('https://user:pass@hooks.example.com/', {})
  assert.deepEqual(creds, { ok: false, reason: 'credentials in the URL (user:pass@) are not allowed' })
  assert.equal(checkOutboundUrl('ftp://hooks.example.com/', {}).ok, false)
  assert.equal(checkOutboundUrl('https://hooks.example.com/x', {}).ok, true)
  assert.equal(checkOutboundUrl('https://evil.example.net/x', { allowedHosts: ['*.example.com'] }).ok, false)
  assert.equal(checkOutboundUrl('https://a.example.com/x', { allowedHosts: ['*.example.com'] }).ok, true)
  assert.equal(checkOutboundUrl('https://example.com/x', { allowedHosts: ['*.example.com'] }).ok, false)
})

const req = (url: string) => ({ url, headers: { 'content-type': 'application/json' }, body: '{}' })

test('every loopback form is refused before a connection, by the URL check and by the dispatcher alone', async (t) => {
  const decoy = await startDecoyListener()
  t.after(() => decoy.close())
  const guard = createOutboundGuard({})
  t.after(() => guard.close())
  for (const url of loopbackForms(decoy.port)) {
    const r = await sendChannelRequest(req(url), { timeoutMs: 5000, guard })
    assert.equal(r.reason, 'refused_by_policy', url)
    assert.equal(r.status, undefined, url)
    assert.equal(classifyAttempt(r), 'dead', url)
    // The dispatcher refuses on its own too, for callers that skip the URL check (`localhost.` may not resolve).
    await assert.rejects(
      request(url.replace('user:pass@', ''), { method: 'POST', body: '{}', dispatcher: guard.dispatcher }),
      (err: unknown) =>
        outboundRefusalMessage(err) !== undefined || (err as { code?: string }).code === 'ENOTFOUND',
      url,
    )
  }
  assert.equal(decoy.connections, 0)

  // The same decoy is reachable once private targets are allowed: the zero above is a refusal, not a dead port.
  const onPrem = createOutboundGuard({ allowPrivate: true })
  t.after(() => onPrem.close())
  const allowed = await sendChannelRequest(req(`http://127.0.0.1:${decoy.port}/hook`), {
    timeoutMs: 5000,
    guard: onPrem,
  })
  assert.equal(allowed.status, 200)
  assert.equal(decoy.connections, 1)
})

test('private, link-local, CGNAT, multicast and metadata targets are refused without any attempt', async (t) => {
  const guard = createOutboundGuard({})
  const onPrem = createOutboundGuard({ allowPrivate: true })
  t.after(() => Promise.all([guard.close(), onPrem.close()]))
  for (const url of PRIVATE_TARGETS) {
    const r = await sendChannelRequest(req(url), { timeoutMs: 5000, guard })
    assert.equal(r.reason, 'refused_by_policy', url)
    assert.match(r.detail, /^refused_by_policy: refused by the outbound policy: host "[^"]+" is a /, url)
  }
  // Opting in to private targets never opens the metadata endpoints.
  for (const url of PRIVATE_TARGETS.filter((u) => /169\.254\.169\.254|ec2::254|metadata\.google/.test(u))) {
    assert.equal(
      (await sendChannelRequest(req(url), { timeoutMs: 5000, guard: onPrem })).reason,
      'refused_by_policy',
    )
  }
})

test('names that resolve to loopback are refused at connect time, with the system resolver and an injected one', async (t) => {
  const decoy = await startDecoyListener()
  t.after(() => decoy.close())
  const hosts: Record<string, string[]> = {
    'evil.test': ['127.0.0.1'],
    'split.test': ['198.51.100.7', '127.0.0.1'],
    'six.test': ['::1'],
    'mapped.test': ['::ffff:127.0.0.1'],
  }
  const lookup: OutboundLookup = async (host) =>
    (hosts[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
  const guard = createOutboundGuard({ lookup })
  const system = createOutboundGuard({})
  t.after(() => Promise.all([guard.close(), system.close()]))
  for (const host of Object.keys(hosts)) {
    const r = await sendChannelRequest(req(`http://${host}:${decoy.port}/hook`), { timeoutMs: 5000, guard })
    assert.equal(r.reason, 'refused_by_policy', host)
    assert.match(r.detail, new RegExp(`host "${host}" resolves to`), host)
  }
  // `localhost` through the system resolver, past the URL check (which refuses the name by itself).
  await assert.rejects(
    request(`http://localhost:${decoy.port}/hook`, {
      method: 'POST',
      body: '{}',
      dispatcher: system.dispatcher,
    }),
    (err: unknown) => /resolves to (127\.0\.0\.1|::1)/.test(outboundRefusalMessage(err) ?? ''),
  )
  assert.equal(decoy.connections, 0)
  // Saving a URL resolves it too, so the operator hears of it at once; a name that does not resolve passes.
  const vetted = await guard.vet(`http://evil.test:${decoy.port}/hook`)
  assert.deepEqual(vetted, {
    ok: false,
    reason: 'host "evil.test" resolves to 127.0.0.1, a loopback address',
  })
  assert.equal((await guard.vet('https://unknown.test/hook')).ok, true)
  // A resolver that never answers does not hold the save: the name is checked again when connecting.
  const stuck = createOutboundGuard({ lookup: () => new Promise(() => {}) })
  assert.equal((await stuck.vet('https://slow.test/hook')).ok, true)
})

test('a redirect to loopback is not followed: the 3xx is a permanent failure', async (t) => {
  const decoy = await startDecoyListener()
  t.after(() => decoy.close())
  const redirector = createServer((_req, res) => {
    res.writeHead(302, { location: `http://127.0.0.1:${decoy.port}/latest/meta-data/` }).end()
  })
  redirector.listen(0, '127.0.0.1')
  await once(redirector, 'listening')
  t.after(() => redirector.close())
  // Private targets allowed, so only the no-redirect rule stands between the redirect and the decoy.
  const guard = createOutboundGuard({ allowPrivate: true })
  t.after(() => guard.close())
  const port = (redirector.address() as { port: number }).port
  const r = await sendChannelRequest(req(`http://127.0.0.1:${port}/hook`), { timeoutMs: 5000, guard })
  assert.equal(r.status, 302)
  assert.equal(r.reason, 'http_3xx')
  assert.equal(classifyAttempt(r), 'dead')
  assert.equal(decoy.connections, 0)
})

test('a rebinding name connects to the address that was checked, and is refused when it rebinds', async (t) => {
  const decoy = await startDecoyListener()
  t.after(() => decoy.close())
  const answers = ['198.51.100.7', '127.0.0.1']
  const asked: string[] = []
  const lookup: OutboundLookup = async (host) => {
    asked.push(host)
    const address = answers[Math.min(asked.length - 1, answers.length - 1)]!
    return [{ address, family: 4 }]
  }
  const guard = createOutboundGuard({ lookup, connectTimeoutMs: 1000 })
  t.after(() => guard.close())
  const url = `http://rebind.test:${decoy.port}/hook`
  // First resolution is public: the socket goes to that address (unreachable here), never to a second answer.
  const first = await sendChannelRequest(req(url), { timeoutMs: 1500, guard })
  assert.ok(first.reason === 'connection_error' || first.reason === 'timeout', first.detail)
  assert.equal(asked.length, 1, 'one resolution per connection: the address checked is the address used')
  // The next connection resolves again, gets loopback, and is refused.
  const second = await sendChannelRequest(req(url), { timeoutMs: 1500, guard })
  assert.equal(second.reason, 'refused_by_policy')
  assert.equal(decoy.connections, 0)
})

test('the host allow-list of a request is applied when it is sent', async (t) => {
  const decoy = await startDecoyListener()
  t.after(() => decoy.close())
  const guard = createOutboundGuard({ allowPrivate: true, allowedHostsOption: 'alerting.webhookHosts' })
  t.after(() => guard.close())
  const r = await sendChannelRequest(
    { ...req(`http://127.0.0.1:${decoy.port}/hook`), allowedHosts: ['hooks.example.com'] },
    { timeoutMs: 5000, guard },
  )
  assert.equal(r.reason, 'refused_by_policy')
  assert.match(r.detail, /host "127\.0\.0\.1" is not in alerting\.webhookHosts/)
  assert.equal(decoy.connections, 0)
})
