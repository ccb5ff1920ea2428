// The Lookout Console in a real browser (Debian's Chromium through playwright-core) against the demo started as a
// user starts it: a login's trace with its database child spans, its log lines, the route on the charts, the risk
// engine stopped (5xx and an incident), and a tenant key that cannot see another tenant's trace.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { requireBinary, waitFor } from '../support/binaries.ts'

const MAIN = new URL('../../examples/identity-service/main.ts', import.meta.url).pathname
/** Set LOOKOUT_UPDATE_SCREENSHOTS=1 to write docs/images/console-*.png from this run. */
const IMAGES = new URL('../../docs/images/', import.meta.url)
const OUT = new URL('../../test-output/', import.meta.url)
const GLOBAL = 'console-e2e-global-key-0123456789'
const ACME = 'console-e2e-acme-key-0123456789'
const GLOBEX = 'console-e2e-globex-key-012345678'

async function startDemo(
  t: test.TestContext,
): Promise<{ base: string; consoleUrl: string; child: ChildProcess }> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-console-demo-'))
  const child = spawn(process.execPath, ['--conditions=lookout-source', '--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_DATA_DIR: dir,
      LOOKOUT_OPERATOR_KEYS: `${GLOBAL},${ACME}:acme,${GLOBEX}:globex`,
      LOOKOUT_ENVIRONMENT: 'development',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  t.after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
    rmSync(dir, { recursive: true, force: true })
  })
  let stderr = ''
  const consoleUrl = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
      const m = /console: +(http:\/\/\S+)/.exec(stderr)
      if (m) resolve(m[1]!)
    })
    child.once('exit', (code) => reject(new Error(`the demo exited (${code}) before its banner:\n${stderr}`)))
  })
  const base = /listening on (http:\/\/\S+)/.exec(stderr)?.[1]
  assert.ok(base, 'the banner names the address')
  assert.equal(consoleUrl, `${base}/observability/console`)
  assert.match(stderr, /console: .*operator key/, 'the banner says how to pass the key')
  return { base, consoleUrl, child }
}

async function login(base: string, tenant: string): Promise<string> {
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': tenant },
    body: JSON.stringify({ email: `admin@${tenant}.example`, password: 'demo-password-123' }),
  })
  assert.equal(res.status, 200, await res.clone().text())
  await res.arrayBuffer()
  const traceId = res.headers.get('x-trace-id')
  assert.match(traceId ?? '', /^[0-9a-f]{32}$/)
  return traceId!
}

async function openConsole(context: BrowserContext, url: string, key: string): Promise<Page> {
  const page = await context.newPage()
  await page.goto(url)
  await page.locator('#key').fill(key)
  await page.locator('#key').press('Enter')
  return page
}

async function shot(page: Page, name: string) {
  mkdirSync(OUT, { recursive: true })
  await page.screenshot({ path: new URL(`console-${name}.png`, OUT).pathname, fullPage: false })
  if (process.env.LOOKOUT_UPDATE_SCREENSHOTS === '1') {
    await page.screenshot({ path: new URL(`console-${name}.png`, IMAGES).pathname, fullPage: false })
  }
}

test('the console shows the demo: a login trace with DB spans, its logs, the route chart, the risk engine failing, tenant isolation', async (t) => {
  if (requireBinary(t, 'chromium') === undefined) return
  const demo = await startDemo(t)
  const profile = mkdtempSync(join(tmpdir(), 'lookout-console-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
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
    viewport: { width: 1280, height: 860 },
    timeout: 30_000,
  })
  t.after(async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  })
  const violations: string[] = []
  context.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text())
  })

  const page = await openConsole(context, demo.consoleUrl, GLOBAL)
  // Traffic before the login so the lists and charts have neighbours.
  for (const tenant of ['acme', 'globex'])
    await fetch(`${demo.base}/risk/score`, { headers: { 'x-tenant-id': tenant } })
  const traceId = await login(demo.base, 'acme')

  // Traces: find the login's trace, open its waterfall, see the database child spans.
  await page.locator('#f-t-traceId').fill(traceId)
  const row = page.locator('#panel-traces tbody tr', { hasText: '/auth/login' })
  // The server span ends as the response finishes, which may be just after the client has read it: search again.
  await waitFor(
    'the login trace in the list',
    async () => {
      await page.locator('#panel-traces button[type=submit]').click()
      await page.waitForTimeout(300)
      return (await row.count()) > 0
    },
    30_000,
  )
  await row.first().locator('button.link').click()
  await page.locator('.waterfall h2', { hasText: traceId }).waitFor({ timeout: 10_000 })
  const names = await page
    .locator('.waterfall .span')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-span')))
  assert.ok(
    names.some((n) => n?.startsWith('db.')),
    `database child spans in the waterfall: ${names.join(', ')}`,
  )
  assert.ok(
    names.some((n) => n === 'POST /auth/login'),
    `the server span: ${names.join(', ')}`,
  )
  await page.locator('.waterfall .span', { hasText: 'db.' }).first().click()
  await page.locator('.detail table.attrs').waitFor()
  await shot(page, 'traces')

  // Logs: from the trace to its lines; every line shown carries that trace id.
  await page.locator('.waterfall button', { hasText: 'Logs of this trace' }).click()
  await waitFor(
    'the request line of the login among its logs',
    async () => {
      if (/\/auth\/login/.test((await page.locator('#panel-logs li').allInnerTexts()).join('\n'))) return true
      await page.locator('#panel-logs button[type=submit]').click()
      await page.waitForTimeout(300)
      return false
    },
    30_000,
  )
  const lines = await page.locator('#panel-logs li').allInnerTexts()
  assert.ok(lines.length >= 1)
  const ids = await page.locator('#panel-logs li button.link').allInnerTexts()
  assert.ok(ids.length === lines.length && ids.every((id) => traceId.startsWith(id)), ids.join(','))
  assert.ok(
    lines.some((l) => /\/auth\/login/.test(l)),
    'the request line of the login',
  )
  await shot(page, 'logs')

  // Stop the risk engine: its calls fail, and the health check behind the status page fails.
  const stopped = await fetch(`${demo.base}/demo/risk-engine/stop`, { method: 'POST' })
  assert.equal(stopped.status, 200)
  for (let i = 0; i < 8; i++) {
    const r = await fetch(`${demo.base}/risk/score`, { headers: { 'x-tenant-id': 'acme' } })
    assert.ok(r.status >= 500)
    await r.arrayBuffer()
  }

  // Metrics: the fine window shows the login route and the risk route's errors.
  await page.locator('#tab-metrics').click()
  await page.locator('#f-resolution').selectOption('fine')
  await waitFor(
    'the login and risk routes on the charts',
    async () => {
      await page.locator('#panel-metrics button[type=submit]').click()
      await page.waitForTimeout(500)
      return (
        (await page.locator('figure[data-route="/auth/login"] canvas').count()) > 0 &&
        (await page.locator('figure[data-route="/risk/score"] canvas').count()) > 0
      )
    },
    40_000,
  )
  // The failures land in the next fine point (every 10 s).
  await waitFor(
    'a 5xx rate on the risk route',
    () =>
      page.evaluate(async (key) => {
        const res = await fetch('/observability/console/api/metrics?resolution=fine&route=%2Frisk%2Fscore', {
          headers: { authorization: `Bearer ${key}` },
        })
        const body = (await res.json()) as { series: { points: { errors: number }[] }[] }
        return body.series.flatMap((s) => s.points).some((p) => p.errors > 0)
      }, GLOBAL),
    40_000,
    500,
  )
  await page.locator('#panel-metrics button[type=submit]').click()
  await shot(page, 'metrics')

  // SLOs, alerts & health: the failing check and the automatic incident.
  await page.locator('#tab-slos').click()
  await page.locator('#f-s-tenant').fill('acme')
  await waitFor(
    'an incident for the risk engine',
    async () => {
      await page.locator('#panel-slos button[type=submit]').click()
      await page.waitForTimeout(1000)
      const text = await page.locator('#panel-slos').innerText()
      return /Incidents[\s\S]*risk-engine/.test(text)
    },
    60_000,
  )
  assert.match(await page.locator('#panel-slos').innerText(), /Health checks[\s\S]*risk-engine/)
  await shot(page, 'slos')

  // A tenant key: its own tenant's trace, not another tenant's.
  const globexTrace = await login(demo.base, 'globex')
  const acmePage = await openConsole(context, demo.consoleUrl, ACME)
  await acmePage.locator('#f-t-traceId').fill(globexTrace)
  await acmePage.locator('#panel-traces button[type=submit]').click()
  await acmePage
    .locator('#panel-traces td.empty', { hasText: 'No traces match' })
    .waitFor({ timeout: 10_000 })
  const direct = await acmePage.evaluate(
    async ({ key, id }) =>
      (
        await fetch(`/observability/console/api/traces/${id}`, {
          headers: { authorization: `Bearer ${key}` },
        })
      ).status,
    { key: ACME, id: globexTrace },
  )
  assert.equal(direct, 404)
  await acmePage.locator('#f-t-traceId').fill(traceId)
  await acmePage.locator('#panel-traces button[type=submit]').click()
  await acmePage.locator('#panel-traces tbody tr', { hasText: '/auth/login' }).waitFor({ timeout: 10_000 })

  assert.deepEqual(violations, [], 'no CSP violations')
})
