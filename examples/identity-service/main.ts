/**
 * The Lookout demo: `npm start`. A multi-tenant identity API on SQLite with Lookout registered on embedded
 * defaults — no external services. PORT (default 8000) and HOST (default 127.0.0.1) choose the listener.
 */

import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { createLookout } from 'lookout'
import { buildIdentityApp, seedUsers } from './app.ts'
import { openIdentityDb } from './db.ts'
import { createTokenService } from './tokens.ts'

const port = Number(process.env.PORT ?? 8000)
const host = process.env.HOST ?? '127.0.0.1'
const dataDir = process.env.DEMO_DATA_DIR ?? '.lookout'
mkdirSync(dataDir, { recursive: true })

// The demo generates an operator key when none is configured, and prints it once (it is never logged).
const generatedKey = process.env.LOOKOUT_OPERATOR_KEYS ? undefined : randomBytes(24).toString('base64url')

const lookout = createLookout({
  service: 'identity-service',
  version: '0.1.0',
  metrics: { tenantLabel: true },
  ...(generatedKey ? { operator: { keys: [generatedKey] } } : {}),
})
const db = openIdentityDb(`${dataDir}/identity.db`)
const demoPassword = process.env.DEMO_ADMIN_PASSWORD ?? 'demo-password-123'
await seedUsers(db, ['acme', 'globex'], demoPassword)
const app = await buildIdentityApp({ lookout, db, tokens: createTokenService(randomBytes(32)) })
app.addHook('onClose', async () => db.close())

await app.listen({ port, host })
const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${app.server.address() && typeof app.server.address() === 'object' ? (app.server.address() as { port: number }).port : port}`
process.stdout.write(
  [
    '',
    `  identity-service with Lookout is listening on ${base}`,
    `  metrics:      curl ${base}/metrics`,
    `  login:        curl -s -X POST ${base}/auth/login -H 'x-tenant-id: acme' -H 'content-type: application/json' \\`,
    `                  -d '{"email":"admin@acme.example","password":"${demoPassword}"}'`,
    generatedKey
      ? `  operator key: ${generatedKey}   (generated for this run; set LOOKOUT_OPERATOR_KEYS to choose one)`
      : '',
    '',
  ].join('\n') + '\n',
)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
