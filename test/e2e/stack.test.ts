// The generated stack, end to end on loopback with the Debian binaries: the demo identity service (Lookout on
// port 0, metrics token on) is scraped every second by a real Prometheus running the generated prometheus.yml
// and rule files; `runTraffic` (npm run demo:traffic) drives logins, failures, lockouts and the flaky risk
// engine; then EVERY PromQL expression of every generated dashboard panel and rule is evaluated through the HTTP
// API and must return data — or be listed below as expected-empty, with the reason. A generated alert
// (LookoutHighErrorRate, test threshold 1 %, `for: 0s`) fires in Prometheus, goes through the real Alertmanager
// (generated config, group_wait 1 s) to Lookout's Alertmanager receiver, and out of Lookout's outbox to a
// loopback PagerDuty receiver that checks the Events v2 contract.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import pino from 'pino'
import { stringify } from 'yaml'
import { buildIdentityApp, seedUsers } from '../../examples/identity-service/app.ts'
import { openIdentityDb } from '../../examples/identity-service/db.ts'
import demoConfig from '../../examples/identity-service/lookout.config.ts'
import { createTokenService } from '../../examples/identity-service/tokens.ts'
import { runTraffic } from '../../examples/identity-service/traffic.ts'
import { createLookout } from '../../src/core/createLookout.ts'
import { alertmanagerConfig } from '../../src/generate/alertmanagerConfig.ts'
import { generateAll } from '../../src/generate/generateAll.ts'
import { buildGenerateModel, type GenerateModel } from '../../src/generate/generateModel.ts'
import type { GenerateSettingsInput } from '../../src/generate/generateSettings.ts'
import { prometheusConfig } from '../../src/generate/prometheusConfig.ts'
import { queryInventory } from '../../src/generate/queryInventory.ts'
import { startAlertmanager } from '../support/alertmanager.ts'
import { requireBinary, run } from '../support/binaries.ts'
import { startPrometheus } from '../support/prometheus.ts'
import { startAlertReceiver } from '../support/receivers/alertReceiver.ts'
import { startWatchdog } from '../support/watchdog.ts'

// Written once every import above has loaded: if CI ever kills this file with no line from it, the hang was in
// loading the modules (the test, and its timeout, never started).
writeSync(2, `e2e: module graph loaded ${Math.round(performance.now())} ms after the process started\n`)

const METRICS_TOKEN = 'e2e-metrics-token-0123456789'
const OPERATOR_KEY = 'e2e-operator-key-0123456789abcdef'
const ROUTING_KEY = 'R0123456789abcdef0123456789abcde'

/**
 * The ONE list of generated queries allowed to return no data in this run, and why. Keys are inventory keys
 * (`queryInventory`); a pattern matches several. Everything else must return at least one series. An entry
 * here that unexpectedly has data fails the test too, so the list cannot rot.
 */
const EXPECTED_EMPTY: readonly { readonly match: RegExp; readonly reason: string }[] = [
  {
    match: /^signal:LookoutLogBatchesDropped |› Telemetry dropped\/B$/,
    reason:
      'Loki shipping is off in this run (no logging.loki.url), so lookout_log_batches_dropped_total has no series',
  },
  {
    match: /^signal:LookoutLogLinesDropped |› Telemetry dropped\/C$/,
    reason:
      'the run passes its own (silent) pino logger, so Lookout creates no stdout stream and lookout_log_lines_dropped_total has no series',
  },
  {
    match: /^signal:LookoutLogRecordsDropped |› Telemetry dropped\/D$/,
    reason:
      'OTLP log export is off in this run (no logging.otlp endpoint), so lookout_log_records_dropped_total has no series',
  },
  {
    match: /^signal:LookoutCardinalityOverflow |› Cardinality overflow\/A$/,
    reason: 'no metric reaches its series budget (2 000) in a 15-second run',
  },
  {
    match: /^signal:LookoutAlertDeliveryDeadLetters /,
    reason: 'the loopback PagerDuty receiver accepts every delivery, so nothing is dead-lettered',
  },
]

/** Alert rules return series only while firing: their signal is what must have data (checked separately). */
const isAlertRule = (kind: string) => kind === 'alert'

/** Grafana's variables, as Grafana would substitute them for "All" over the last minutes. */
function substitute(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__range', '5m')
    .replaceAll('$__interval', '15s')
    .replaceAll('$tenant', '.*')
    .replaceAll('$route', '.*')
    .replaceAll('$instance', '.*')
}

/** Bound of each wait: only a hang reaches it. */
const HANG_MS = 120_000

test('the generated stack works end to end: every generated query has data, and a generated alert reaches PagerDuty through Alertmanager and Lookout', {
  timeout: 480_000,
}, async (t) => {
  const startedAt = Date.now()
  if (!requireBinary(t, 'prometheus') || !requireBinary(t, 'promtool') || !requireBinary(t, 'amtool')) return
  // Progress lines on stderr, and the main thread's stack if the event loop ever stalls for 20 s: a hang in CI
  // then says where it was (the runner shows stderr even when it kills the file).
  const dog = startWatchdog('e2e')
  t.after(() => dog.stop())
  // Every clean-up step is bounded and named: a hook that never ends would otherwise hold the test's report back.
  const cleanup = (what: string, fn: () => unknown) =>
    t.after(
      async () => {
        dog.phase(`cleanup: ${what}`)
        await fn()
      },
      { timeout: 30_000 },
    )
  dog.phase('starting the demo service')

  const dir = mkdtempSync(join(tmpdir(), 'lookout-stack-'))
  cleanup('removing the temp dir', () => rmSync(dir, { recursive: true, force: true }))
  const receiver = await startAlertReceiver()
  cleanup('closing the PagerDuty receiver', () => receiver.close())

  // ── The demo service, as main.ts builds it, on port 0 ────────────────────────────────────────────────
  const lookoutOptions = {
    ...demoConfig.lookout,
    metrics: { ...demoConfig.lookout.metrics, token: METRICS_TOKEN },
    operator: { keys: [OPERATOR_KEY] },
    store: { url: `sqlite:${join(dir, 'lookout.db')}` },
    health: { intervalMs: 500 },
    status: { enabled: true },
    profiling: { enabled: true },
    alerting: {
      enabled: true,
      cooldownSeconds: 0,
      // The PagerDuty receiver and the demo's sink listen on loopback.
      allowPrivateTargets: true,
      endpoints: { pagerduty: receiver.url },
      worker: { pollIntervalMs: 50, backoffBaseMs: 50, backoffMaxMs: 500, timeoutMs: 2000 },
    },
    slo: { ...demoConfig.lookout.slo, evaluateIntervalMs: 0 },
    // Sampling on, so the logs dashboard's sampled-out panel reads a real counter.
    logging: { requestLog: { sampleRatio: 0.5 } },
  }
  const lookout = createLookout(lookoutOptions, { env: {}, logger: pino({ level: 'silent' }) })
  const db = openIdentityDb(join(dir, 'identity.db'))
  await seedUsers(db, ['acme', 'globex'], 'demo-password-123')
  const app = await buildIdentityApp({
    lookout,
    db,
    tokens: createTokenService(randomBytes(32)),
    lockAfter: 5,
    riskEngine: { failureRate: 0.5, slowRate: 0.1, slowMs: 1200, openMs: 1000 },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  await lookout.start()
  cleanup('closing the demo service', async () => {
    await app.close()
    await lookout.shutdown()
    db.close()
  })
  const port = (app.server.address() as { port: number }).port
  const base = `http://127.0.0.1:${port}`
  for (const tenant of ['acme', 'globex']) {
    const r = await lookout.alerts.setConfig(tenant, {
      channels: [{ id: 'pd', type: 'pagerduty', routingKey: ROUTING_KEY }],
      routes: [{ channels: ['pd'] }],
    })
    assert.ok(r.ok, JSON.stringify(r))
  }

  dog.phase('generating and checking the stack')
  // ── Generate for this run (1 s intervals, test thresholds) and check it with promtool / amtool ──────
  writeFileSync(join(dir, 'metrics-token'), METRICS_TOKEN)
  writeFileSync(join(dir, 'operator-key'), OPERATOR_KEY)
  const rulesDir = join(dir, 'rules')
  mkdirSync(rulesDir)
  const settings = (alertmanagers: string[]): GenerateSettingsInput => ({
    app: { targets: [`127.0.0.1:${port}`] },
    prometheus: {
      scrapeInterval: '1s',
      evaluationInterval: '1s',
      ruleFiles: [join(rulesDir, '*.yaml')],
      alertmanagers,
      metricsTokenFile: join(dir, 'metrics-token'),
    },
    alertmanager: {
      receiver: 'lookout',
      lookoutUrl: base,
      operatorKeyFile: join(dir, 'operator-key'),
      groupWait: '1s',
      groupInterval: '1s',
      repeatInterval: '1h',
    },
    alerts: { for: '0s', errorRatio: 0.01, latencyP99Seconds: 2 },
  })
  const model = (alertmanagers: string[]): GenerateModel => {
    const r = buildGenerateModel({ lookout: lookoutOptions, generate: settings(alertmanagers) })
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems))
    return r.model
  }
  const amYaml = stringify(alertmanagerConfig(model([])))
  writeFileSync(join(dir, 'alertmanager.yml'), amYaml)
  await run('amtool', ['check-config', join(dir, 'alertmanager.yml')])
  dog.phase('starting alertmanager')
  const am = await startAlertmanager(t, amYaml)
  if (!am) return
  cleanup('stopping alertmanager', () => am.stop())

  const generated = model([new URL(am.url).host])
  for (const f of generateAll(generated)) {
    if (f.path.startsWith('prometheus/rules/'))
      writeFileSync(join(rulesDir, f.path.split('/').pop()!), f.content)
  }
  const promYaml = stringify(prometheusConfig(generated))
  writeFileSync(join(dir, 'prometheus.yml'), promYaml)
  await run('promtool', ['check', 'config', join(dir, 'prometheus.yml')])
  dog.phase('starting prometheus')
  const prom = await startPrometheus(t, promYaml)
  if (!prom) return
  cleanup('stopping prometheus', () => prom.stop())

  // ── Traffic, until the service is scraped with the token and the error alert fires ─────────────────
  dog.phase('traffic: waiting for the scrape')
  const traffic = runTraffic({ baseUrl: base, durationMs: 15_000, concurrency: 4, pauseMs: 10 })
  // Waits below are bounded only to catch a hang: a starved machine scrapes and evaluates late, not wrongly.
  await prom.waitForQuery(`up{job="${generated.job}"}`, (v) => v === 1, HANG_MS)
  dog.phase('traffic: waiting for LookoutHighErrorRate to fire')
  await prom.waitForQuery('ALERTS{alertname="LookoutHighErrorRate",alertstate="firing"}', () => true, HANG_MS)
  dog.phase('traffic: waiting for the traffic to end')
  const report = await traffic

  // Outcomes the random traffic reaches rarely (fewer requests on a busy machine), made certain: an unknown
  // page, a lockout, a logout, and a refresh token presented for another tenant (binding failure, session revoked).
  const post = async (path: string, body: unknown, tenant?: string, method = 'POST') => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(tenant === undefined ? {} : { 'x-tenant-id': tenant }),
      },
      body: method === 'GET' ? undefined : JSON.stringify(body),
    })
    const status = String(res.status)
    report.byStatus[status] = (report.byStatus[status] ?? 0) + 1
    return { status: res.status, body: (await res.json().catch(() => ({}))) as { refreshToken?: string } }
  }
  await post('/no-such-page', undefined, 'acme', 'GET')
  const wrong = { email: 'admin@globex.example', password: 'not-the-password' }
  for (let i = 0; i < 6; i++) await post('/auth/login', wrong, 'globex')
  for (const status of ['200', '401', '423', '502', '404']) {
    assert.ok((report.byStatus[status] ?? 0) > 0, `traffic produced no ${status}: ${JSON.stringify(report)}`)
  }
  const credentials = { email: 'admin@acme.example', password: 'demo-password-123' }
  const forLogout = await post('/auth/login', credentials, 'acme')
  assert.equal((await post('/auth/logout', { refreshToken: forLogout.body.refreshToken })).status, 204)
  const forBinding = await post('/auth/login', credentials, 'acme')
  assert.equal(
    (await post('/auth/refresh', { refreshToken: forBinding.body.refreshToken }, 'globex')).status,
    401,
  )

  // Series those outcomes created need two samples for rate(): wait for two scrapes that began after them.
  const afterOutcomes = Date.now() / 1000
  dog.phase('waiting for two scrapes after the certain outcomes')
  await prom.waitForQuery(`timestamp(up{job="${generated.job}"})`, (v) => v >= afterOutcomes + 2, HANG_MS)

  dog.phase('waiting for the PagerDuty event')
  // Prometheus → Alertmanager → Lookout's receiver → outbox → PagerDuty Events v2 (strict loopback).
  await receiver.waitFor(
    (r) => r.accepted('pagerduty').some((req) => JSON.stringify(req.body).includes('LookoutHighErrorRate')),
    HANG_MS,
  )
  const page = receiver
    .accepted('pagerduty')
    .find((req) => JSON.stringify(req.body).includes('LookoutHighErrorRate'))!.body as {
    routing_key: string
    event_action: string
    payload: { summary: string; severity: string }
  }
  assert.equal(page.routing_key, ROUTING_KEY)
  assert.equal(page.event_action, 'trigger')
  assert.equal(page.payload.severity, 'critical')
  assert.match(page.payload.summary, /5xx/)
  const history = await lookout.alerts.history('acme')
  assert.ok(history.events.some((e) => e.alertname === 'LookoutHighErrorRate' && e.source === 'alertmanager'))

  // ── Every generated PromQL expression, evaluated ─────────────────────────────────────────────────────
  dog.phase('evaluating every generated query')
  await prom.waitForQuery('slo:period_error_budget_remaining:ratio', () => true, HANG_MS)
  const inventory = queryInventory(generated).filter((e) => e.language === 'promql')
  assert.ok(inventory.length > 100, `only ${inventory.length} PromQL expressions`)
  const empty: string[] = []
  const unexpectedlyFull: string[] = []
  let listedEmpty = 0
  for (const entry of inventory) {
    const result = await prom.query(substitute(entry.expr)) // throws on a PromQL error
    const id = `${entry.key} ${entry.where}/${entry.key.split('/').pop()}`
    const expected = EXPECTED_EMPTY.find((e) => e.match.test(id))
    if (isAlertRule(entry.kind)) continue // may be empty while not firing; its signal is checked below
    if (expected !== undefined) listedEmpty++
    if (result.length === 0 && expected === undefined)
      empty.push(`${entry.key} (${entry.where}): ${entry.expr}`)
    if (result.length > 0 && expected !== undefined) unexpectedlyFull.push(`${entry.key}: ${expected.reason}`)
  }
  assert.deepEqual(
    { empty, unexpectedlyFull },
    { empty: [], unexpectedlyFull: [] },
    'every generated query has data unless EXPECTED_EMPTY says why not (and then it is empty)',
  )
  const firing = await prom.query('ALERTS{alertname="LookoutHighErrorRate",alertstate="firing"}')
  assert.ok(firing.some((s) => s.metric.tenant !== undefined))

  dog.phase('reporting')
  const seconds = Math.round((Date.now() - startedAt) / 1000)
  const alertRules = inventory.filter((e) => isAlertRule(e.kind)).length
  t.diagnostic(
    `e2e: ${inventory.length} PromQL expressions evaluated: ${inventory.length - alertRules - listedEmpty} ` +
      `returned data, ${listedEmpty} listed expected-empty, ${alertRules} alert rules checked to run; ` +
      `${report.requests} requests, ${seconds} s`,
  )
})
