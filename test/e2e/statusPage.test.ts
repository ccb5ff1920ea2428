// The status page in a real browser (Debian's Chromium through playwright-core) against a Lookout app whose
// health check talks to a real redis-server: stopping redis opens an incident on the page, restarting it
// resolves the incident, a hanging API shows the stale notice, and the page runs under its strict CSP.
import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { redisCheck } from 'lookout'
import { type Browser, chromium, type Page } from 'playwright-core'
import { statusApp } from '../integration/status/statusApp.ts'
import { requireBinary, waitFor } from '../support/binaries.ts'
import { startRedis } from '../support/redis.ts'

const INTERVAL_MS = 300
const DAY = 86_400_000
const OUT = new URL('../../test-output/', import.meta.url)
/** Set LOOKOUT_UPDATE_DOCS_SCREENSHOT=1 to refresh docs/images/status-page.png from this run. */
const DOCS_IMAGE = new URL('../../docs/images/status-page.png', import.meta.url)

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    timeout: 30_000,
  })
}

/** Text of the page's active-incidents section. */
const activeText = (page: Page) => page.locator('#active').innerText()

test('the status page shows components, 90 bars, an incident while redis is down, its resolution, and a stale notice', async (t) => {
  const chromiumPath = requireBinary(t, 'chromium')
  if (chromiumPath === undefined) return
  const redis = await startRedis(t)
  if (redis === undefined) return
  t.after(() => redis.stop())

  // An external component the sampler probes itself: a loopback "payments provider".
  const provider = createServer((_req, res) => res.end('ok'))
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => provider.close(() => resolve())))
  const providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/health`

  const s = await statusApp(
    {
      service: 'identity',
      // 2 s, not 500 ms: a ping that timed out while Chromium started on a loaded CI run made today's bar an
      // outage (two outage bars instead of the one seeded). Stopping redis below is refused at once either way.
      health: { checks: [redisCheck({ target: redis.url, name: 'redis', timeoutMs: 2000 })] },
      status: {
        intervalMs: INTERVAL_MS,
        openAfter: 2,
        resolveAfter: 3,
        components: [
          { id: 'redis', name: 'Sessions cache', description: 'Sign-in sessions and rate limits' },
          { id: 'payments', name: 'Payments provider' },
        ],
        // The provider answers at once; 2 s leaves room for a loaded CI machine (500 ms once timed out there while
        // Chromium started, and the page then said "Some systems are unavailable").
        external: [{ id: 'payments', url: providerUrl, timeoutMs: 2000 }],
        page: { title: 'Identity service status', refreshSeconds: 1, timeoutMs: 1500 },
      },
    },
    { listen: true },
  )
  t.after(() => s.close())
  const lookout = s.instance

  // 89 days of history so the bars show something: hourly samples, a degraded day and an outage day.
  const now = Date.now()
  const today = Math.floor(now / DAY) * DAY
  const history = []
  for (let d = 89; d >= 1; d--) {
    for (let h = 0; h < 24; h += 2) {
      const at = today - d * DAY + h * 3_600_000
      const redisStatus = d === 12 && h < 6 ? 'outage' : d === 40 && h === 10 ? 'degraded' : 'operational'
      history.push({ component: 'redis', status: redisStatus, latencyMs: 1, sampledAt: at })
      history.push({
        component: 'payments',
        status: d === 63 && h === 8 ? 'maintenance' : 'operational',
        latencyMs: 40,
        sampledAt: at,
      })
    }
  }
  await waitFor('the store to open', () => lookout.phase === 'started', 10_000)
  await lookout.store.healthSamples.insertMany(history)
  lookout.status!.invalidate()
  await waitFor(
    'the first live sample',
    async () => (await lookout.store.healthSamples.latest('redis')).length > 0,
  )

  const browser = await launch()
  t.after(() => browser.close())
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, colorScheme: 'light' })
  const page = await context.newPage()
  const cspErrors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text())
  })
  const response = await page.goto(`${s.url}/status`)
  assert.equal(response?.status(), 200)
  assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'sha256-/)

  // Components and bars render (from the embedded data, then from the API).
  await page
    .locator('li[data-component="redis"] h3', { hasText: 'Sessions cache' })
    .waitFor({ timeout: 10_000 })
  assert.equal(await page.locator('li[data-component="redis"] .bars .bar').count(), 90)
  assert.equal(await page.locator('li[data-component="payments"] .bars .bar').count(), 90)
  assert.equal(await page.locator('li[data-component="redis"] .bar.s-outage').count(), 1)
  assert.equal(await page.locator('li[data-component="redis"] .bar.s-degraded').count(), 1)
  assert.match(await page.locator('li[data-component="redis"] .badge').innerText(), /Operational/)
  // The page refreshes every second: one sample that failed for load alone must not decide the test.
  await waitFor(
    'the summary to say all systems are operational',
    async () => /All systems operational/.test(await page.locator('#summary').innerText()),
    5_000,
  )
  assert.match(await page.locator('#summary').innerText(), /All systems operational/)
  const label = (await page.locator('li[data-component="redis"] .bars').getAttribute('aria-label')) ?? ''
  assert.match(label, /1 day with an outage/)

  // Stop redis: within two sampling intervals an incident opens, and the page shows it.
  const pausedAt = Date.now()
  await redis.pause()
  await waitFor(
    'the page to show the incident',
    async () => /Sessions cache unavailable/.test(await activeText(page)),
    15_000,
  )
  const open = (await lookout.status!.incidents()).open
  assert.equal(open.length, 1)
  // The incident opened on the second failing sample and starts at the first one (at most one more sample may have
  // been in flight when redis stopped) — counted in samples, with a generous clock bound.
  const startedAt = Date.parse(open[0]!.startedAt)
  const since = await lookout.store.healthSamples.range(pausedAt, startedAt + 1, 'redis')
  assert.equal(since.filter((x) => x.status === 'outage').length, 1, JSON.stringify(since))
  assert.equal(since.find((x) => x.sampledAt === startedAt)?.status, 'outage', JSON.stringify(since))
  assert.ok(since.length <= 2, JSON.stringify(since))
  assert.ok(
    startedAt - pausedAt <= INTERVAL_MS + 2_000,
    `the first failing sample came ${startedAt - pausedAt} ms after redis stopped (one interval: ${INTERVAL_MS} ms)`,
  )
  assert.match(await page.locator('li[data-component="redis"] .badge').innerText(), /Outage/)
  assert.match(await page.locator('#summary').innerText(), /unavailable/)
  // Nothing internal reaches the page: no host, port or error text.
  const body = await page.locator('body').innerText()
  assert.doesNotMatch(body, /127\.0\.0\.1|ECONNREFUSED|redis:\/\//)
  mkdirSync(OUT, { recursive: true })
  await page.screenshot({ path: new URL('status-page-incident.png', OUT).pathname, fullPage: true })

  // Restart redis: after three operational samples the incident resolves and moves to "Recent incidents".
  await redis.resume()
  await waitFor(
    'the page to show no active incident',
    async () => /No incidents right now/.test(await activeText(page)),
    15_000,
  )
  const recent = page.locator('#recent article[data-incident]')
  await recent.first().waitFor({ timeout: 5_000 })
  assert.match(await recent.first().innerText(), /Resolved/)
  assert.match(await page.locator('li[data-component="redis"] .badge').innerText(), /Operational/)
  await page.screenshot({ path: new URL('status-page.png', OUT).pathname, fullPage: true })
  if (process.env.LOOKOUT_UPDATE_DOCS_SCREENSHOT === '1') {
    copyFileSync(new URL('status-page.png', OUT), DOCS_IMAGE)
    assert.ok(statSync(DOCS_IMAGE).size < 400_000, 'keep the docs screenshot small')
  }

  // The API hangs: after the fetch timeout the page keeps the last data and says it is stale.
  await page.route('**/public/status', () => {
    // never answered
  })
  await page.locator('#stale').waitFor({ state: 'visible', timeout: 10_000 })
  assert.match(await page.locator('#stale').innerText(), /could not be loaded/)
  assert.equal(
    await page.locator('li[data-component="redis"] .bars .bar').count(),
    90,
    'last data still shown',
  )
  await page.screenshot({ path: new URL('status-page-stale.png', OUT).pathname, fullPage: true })
  await page.unroute('**/public/status')
  await page.locator('#stale').waitFor({ state: 'hidden', timeout: 10_000 })

  // Dark mode renders too (prefers-color-scheme), and the CSP never blocked the inline script or style.
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.screenshot({ path: new URL('status-page-dark.png', OUT).pathname, fullPage: true })
  assert.deepEqual(cspErrors, [])
})
