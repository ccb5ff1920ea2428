/**
 * The Lookout demo: `npm start`. A multi-tenant identity API on SQLite with every Lookout feature on embedded
 * defaults — no external services:
 * metrics (/metrics), request logs with context and redaction (stdout), traces (created and correlated; exported
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set), probes (/health, /health/live, /health/ready, /health/startup) with a
 * real SQLite check, per-tenant SLOs measured in-process, alert routing to a local signed-webhook sink, the
 * public status page (/status), front-end endpoints (/observability/sentry/report, /api/v1/metrics) and
 * on-demand profiles (/observability/profile/cpu).
 *
 * PORT (default 8000) and HOST (default 127.0.0.1) choose the listener; DEMO_DATA_DIR (default .lookout) the
 * SQLite files.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { createLookout, sqliteCheck } from 'lookout'
import { buildIdentityApp, seedUsers } from './app.ts'
import { openIdentityDb } from './db.ts'
import projectConfig from './lookout.config.ts'
import { createTokenService } from './tokens.ts'
import { startWebhookSink } from './webhookSink.ts'

const TENANTS = ['acme', 'globex'] as const
const port = Number(process.env.PORT ?? 8000)
const host = process.env.HOST ?? '127.0.0.1'
const dataDir = process.env.DEMO_DATA_DIR ?? '.lookout'
mkdirSync(dataDir, { recursive: true })

// The demo generates an operator key when none is configured, and prints it once on stderr (it is never logged).
const generatedKey = process.env.LOOKOUT_OPERATOR_KEYS ? undefined : randomBytes(24).toString('base64url')
const db = openIdentityDb(`${dataDir}/identity.db`)

const lookout = createLookout(
  {
    // Service, metrics and SLO options shared with `lookout generate` (lookout.config.ts), so the generated
    // dashboards and rules match what this process emits.
    ...projectConfig.lookout,
    health: {
      checks: [sqliteCheck({ target: db.raw, name: 'database' })],
      // The demo owns its process: exit once the graceful shutdown (SIGTERM/SIGINT) has finished.
      shutdown: { terminate: (code) => process.exit(code) },
    },
    // What publishes a page, keeps state, sends data out or profiles is off until configured; the demo turns
    // each on. Its state lives next to the demo database.
    store: { path: `${dataDir}/lookout.db` },
    // Sample components every 10 s (default 60 s) so the demo's status page reacts within ~20 s.
    status: { enabled: true, intervalMs: 10_000 },
    profiling: { enabled: true },
    // The Lookout Console (/observability/console): recent traces, logs and route charts of this process.
    console: { enabled: true },
    frontend: {
      report: { enabled: true, apps: ['web'] },
      events: {
        catalog: {
          login_page_viewed: { labels: { variant: ['a', 'b'] } },
          signup_started: { labels: { plan: ['free', 'pro'] } },
        },
      },
    },
    // The demo's alert sink (below) listens on loopback; the outbound policy refuses loopback and private-network
    // targets unless an on-premises set-up opts in like this.
    alerting: { enabled: true, allowPrivateTargets: true },
    ...(generatedKey ? { operator: { keys: [generatedKey] } } : {}),
  },
  { handleSignalsByDefault: true },
)
const demoPassword = process.env.DEMO_ADMIN_PASSWORD ?? 'demo-password-123'
await seedUsers(db, TENANTS, demoPassword)
const app = await buildIdentityApp({ lookout, db, tokens: createTokenService(randomBytes(32)) })
lookout.onShutdown(async () => db.close())

await app.listen({ port, host })

// Alerts of both tenants go to a local sink that verifies the webhook signature and logs what it receives.
const sinkLog = lookout.getLogger('alert-sink')
const sink = await startWebhookSink({
  onAlert: (alert) =>
    sinkLog.info(
      { event: 'alert_received', action: alert.action, alert: alert.body.alert },
      'alert received',
    ),
})
lookout.onShutdown(() => sink.close())
for (const tenant of TENANTS) {
  const result = await lookout.alerts.setConfig(tenant, {
    channels: [sink.channel],
    routes: [{ match: {}, channels: [sink.channel.id] }],
  })
  if (!result.ok)
    throw new Error(`demo alert config for ${tenant} is invalid: ${JSON.stringify(result.problems)}`)
}

const address = app.server.address()
const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${typeof address === 'object' && address ? address.port : port}`
// The banner goes to stderr: stdout carries only the JSON log lines (a log shipper must never see the key).
process.stderr.write(
  `${[
    '',
    `  identity-service with Lookout is listening on ${base}`,
    `  metrics:      curl ${base}/metrics`,
    `  health:       curl ${base}/health`,
    `  status page:  ${base}/status`,
    `  console:      ${base}/observability/console   (enter the operator key in the page; it stays in that tab)`,
    `  login:        curl -s -X POST ${base}/auth/login -H 'x-tenant-id: acme' -H 'content-type: application/json' \\`,
    `                  -d '{"email":"admin@acme.example","password":"${demoPassword}"}'`,
    generatedKey
      ? `  operator key: ${generatedKey}   (generated for this run; set LOOKOUT_OPERATOR_KEYS to choose one)`
      : '',
    `  SLO status:   curl -H "authorization: Bearer <operator key>" ${base}/observability/slo/status/acme`,
    '',
  ].join('\n')}\n`,
)
