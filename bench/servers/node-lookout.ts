/** node:http + Lookout (withLookout) with the features named in LOOKOUT_BENCH_FEATURES. */
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLookout } from 'lookout'
import { withLookout } from 'lookout/http'
import pino from 'pino'
import { announce, features, lookoutBenchOptions } from './common.ts'
import { listener } from './node-bare.ts'

const f = features()
const logger = pino(
  { level: f.has('log') ? 'info' : 'silent' },
  pino.destination({ dest: '/dev/null', sync: false }),
)
const lookout = createLookout(
  lookoutBenchOptions(f, mkdtempSync(join(tmpdir(), 'lookout-bench-'))) as never,
  {
    env: {},
    logger,
  },
)
const routes: Record<string, string> = { '/hello': '/hello', '/orders': '/orders' }
const server = createServer(withLookout(listener, { lookout, route: (req) => routes[req.url ?? ''] }))
server.listen(0, '127.0.0.1', () => announce((server.address() as { port: number }).port))
