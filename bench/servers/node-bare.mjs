/** node:http, no observability. */
import { createServer } from 'node:http'
import { announce } from './common.mjs'
import { listener } from './users.mjs'

const server = createServer(listener)
server.listen(0, '127.0.0.1', () => announce(server))
