/** node:http + Lookout (withLookout) as docs/adapters.md shows; a row's extra options come from the runner. */
import { createServer } from 'node:http'
import { withLookout } from 'lookout/http'
import { announce, rowOptions } from './common.mjs'
import { listener, routeOf } from './users.mjs'

const handler = withLookout(listener, {
  service: 'bench',
  metrics: { token: process.env.METRICS_TOKEN },
  route: routeOf,
  ...rowOptions(),
})
const server = createServer(handler)
handler.lookout.attachServer(server)
await handler.lookout.start()
server.listen(0, '127.0.0.1', () => announce(server))
