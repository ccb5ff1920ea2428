/**
 * The Express variant of the demo: `npm run demo:express` (PORT, default 8001; HOST, default 127.0.0.1).
 * Try: curl localhost:8001/api/products/p1 ; curl localhost:8001/metrics ; curl localhost:8001/health
 */
import { createLookout } from 'lookout'
import { buildCatalogApp } from './app.ts'

const port = Number(process.env.PORT ?? 8001)
const host = process.env.HOST ?? '127.0.0.1'
const lookout = createLookout(
  {
    service: 'catalog-service',
    version: '0.1.0',
    store: { url: 'sqlite:.lookout/catalog.db' },
    health: { shutdown: { terminate: (code) => process.exit(code) } },
  },
  { handleSignalsByDefault: true },
)
const app = buildCatalogApp(lookout)
const server = app.listen(port, host, () => {
  process.stdout.write(`\n  catalog-service (Express + Lookout) on http://${host}:${port}/api/products\n\n`)
})
lookout.attachServer(server)
await lookout.start()
