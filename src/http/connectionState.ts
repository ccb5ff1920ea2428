const kConnection = Symbol('lookout.connection')

/**
 * What Lookout keeps per connection, on the socket under one symbol: the peer address, read once, and the
 * Fastify replies in flight on it. One property added once per connection — every further request on a kept-alive
 * connection adds none — and one object for every area's per-connection state, so a socket goes through a single
 * hidden-class change: each change is another map that Node's stream code, optimised for the sockets it has seen,
 * meets on the next new connection (a `wrong map` deoptimisation of readable-stream functions there, seen with
 * `--trace-deopt` when the peer address and the reply list were two properties added at different times).
 */
export class ConnectionState {
  /** The socket's peer address when the connection's first request started (`undefined` if it had none). */
  readonly peerAddress: string | undefined
  /** Fastify replies in flight on this connection (src/http/adapters/fastify.ts), `undefined` until its first. */
  replies: unknown[] | undefined = undefined
  /** Express / node:http responses in flight on this connection (src/http/nodeBinding.ts), `undefined` until its first. */
  responses: unknown[] | undefined = undefined

  constructor(peerAddress: string | undefined) {
    this.peerAddress = peerAddress
  }
}

/**
 * The per-connection state of a socket, created on first use (reading the peer address then: Node's
 * `remoteAddress` getter goes through `_getpeername()` and two `_handle` getters on every read — ~0.3 % of a
 * hello-world server's CPU in a profile — and has nothing to return once the socket is destroyed).
 *
 * @example
 * connectionOf(request.socket).peerAddress // '127.0.0.1'
 */
export function connectionOf(socket: object): ConnectionState {
  const s = socket as { remoteAddress?: string; [kConnection]?: ConnectionState }
  let state = s[kConnection]
  if (state === undefined) {
    state = new ConnectionState(s.remoteAddress)
    s[kConnection] = state
  }
  return state
}
