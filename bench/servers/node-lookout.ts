/** node:http + Lookout (withLookout) with the features named in LOOKOUT_BENCH_FEATURES. */
import { createServer } from 'node:http'
import { createLookout } from 'lookout'
import { withLookout } from 'lookout/http'
import pino from 'pino'
import { announce, features } from './common.ts'
import { listener } from './node-bare.ts'

const f = features()
const logger = pino(
  { level: f.has('log') ? 'info' : 'silent' },
  pino.destination({ dest: '/dev/null', sync: false }),
)
const lookout = createLookout(
  {
    service: 'bench',
    metrics: { processMetrics: false, hostMetrics: false },
    logging: { requestLog: { enabled: f.has('log') } },
    tracing: f.has('trace10')
      ? { enabled: true, sampleRate: 0.1 }
      : f.has('trace100')
        ? { enabled: true, sampleRate: 1 }
        : { enabled: false },
  } as never,
  { env: {}, logger },
)
const routes: Record<string, string> = { '/hello': '/hello', '/orders': '/orders' }
const server = createServer(withLookout(listener, { lookout, route: (req) => routes[req.url ?? ''] }))
server.listen(0, '127.0.0.1', () => announce((server.address() as { port: number }).port))
