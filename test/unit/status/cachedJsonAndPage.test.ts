import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { createCachedJson } from '../../../src/status/createCachedJson.ts'
import { createStatusPage, escapeHtml } from '../../../src/status/createStatusPage.ts'

test('the cached document answers 304 to a matching If-None-Match (also weak and listed) and 200 otherwise', async () => {
  const cached = createCachedJson({
    build: async () => ({ a: 1 }),
    ttlMs: 60_000,
    cacheControl: 'public, max-age=60',
  })
  const first = await cached.respond(undefined)
  assert.equal(first.status, 200)
  const etag = first.headers!.etag!
  assert.match(etag, /^"[A-Za-z0-9_-]+"$/)
  assert.equal(first.headers!['cache-control'], 'public, max-age=60')
  assert.deepEqual(JSON.parse(String(first.body)), { a: 1 })
  for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
    const r = await cached.respond(header)
    assert.equal(r.status, 304, header)
    assert.equal(r.body, undefined)
    assert.equal(r.headers!.etag, etag)
  }
  assert.equal((await cached.respond('"stale"')).status, 200)
})

test('concurrent first requests share one build; later ones are served from memory until invalidated', async () => {
  let builds = 0
  let value = 1
  const cached = createCachedJson({
    build: async () => {
      builds++
      await new Promise((r) => setTimeout(r, 20))
      return { value }
    },
    ttlMs: 60_000,
    cacheControl: 'no-cache',
  })
  const results = await Promise.all(Array.from({ length: 20 }, () => cached.respond(undefined)))
  assert.equal(builds, 1)
  assert.equal(new Set(results.map((r) => r.headers!.etag)).size, 1)
  await cached.respond(undefined)
  assert.equal(builds, 1)
  value = 2
  cached.invalidate()
  await new Promise((r) => setTimeout(r, 50))
  const after = await cached.current()
  assert.deepEqual(JSON.parse(after.body.toString()), { value: 2 })
  assert.equal(builds, 2)
})

test('a failed rebuild keeps serving the last good document', async () => {
  let fail = false
  const errors: unknown[] = []
  const cached = createCachedJson({
    build: async () => {
      if (fail) throw new Error('store down')
      return { ok: true }
    },
    ttlMs: 0,
    cacheControl: 'no-cache',
    onError: (e) => errors.push(e),
  })
  assert.equal((await cached.respond(undefined)).status, 200)
  fail = true
  cached.invalidate()
  await new Promise((r) => setTimeout(r, 20))
  const r = await cached.respond(undefined)
  assert.equal(r.status, 200)
  assert.deepEqual(JSON.parse(String(r.body)), { ok: true })
  assert.ok(errors.length >= 1)
})

const page = createStatusPage({
  title: 'Acme <status> & "more"',
  description: 'Live',
  statusUrl: '/public/status',
  incidentsUrl: '/public/status/incidents',
  refreshMs: 30_000,
  timeoutMs: 5000,
})

const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`

test('the CSP allows exactly the inline script and style by hash, and nothing external', () => {
  const html = page.render({})
  const csp = page.headers['content-security-policy']!
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!
  assert.ok(csp.includes(`script-src ${hash(script)}`))
  assert.ok(csp.includes(`style-src ${hash(style)}`))
  assert.match(csp, /default-src 'none'/)
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/)
  assert.doesNotMatch(html, /\b(src|href)="https?:/)
  assert.doesNotMatch(html, /\sstyle="/, 'no inline style attributes (they would need unsafe-inline)')
  assert.doesNotMatch(script, /innerHTML|outerHTML|insertAdjacentHTML|eval\(|new Function/)
  assert.equal(page.headers['x-content-type-options'], 'nosniff')
  assert.equal(page.headers['x-frame-options'], 'DENY')
})

test('the page escapes its title and embeds data without a way out of the data block', () => {
  const html = page.render({
    status: Buffer.from(JSON.stringify({ title: '</script><script>alert(1)</script>' })),
  })
  assert.ok(html.includes('<title>Acme &lt;status&gt; &amp; &quot;more&quot;</title>'))
  assert.equal(html.split('</script>').length - 1, 2, 'only the two real script end tags')
  const data = /<script type="application\/json" id="initial-data">([\s\S]*?)<\/script>/.exec(html)![1]!
  assert.equal(JSON.parse(data).status.title, '</script><script>alert(1)</script>')
  assert.equal(escapeHtml(`<a href="x">'`), '&lt;a href=&quot;x&quot;&gt;&#39;')
})

test('the page is semantic: landmarks, headings, a live region for the stale notice, a legend in words', () => {
  const html = page.render({})
  assert.match(html, /<html lang="en">/)
  assert.match(html, /<main id="main">/)
  assert.match(html, /<h1>/)
  assert.match(html, /id="stale" class="stale" role="status" aria-live="polite" hidden/)
  assert.match(html, /prefers-color-scheme:dark/)
  for (const word of ['Operational', 'Degraded', 'Outage', 'Maintenance', 'No data'])
    assert.ok(html.includes(word), word)
})
