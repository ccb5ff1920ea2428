const kConnection = Symbol('lookout.connection')
const kInFlight = Symbol('lookout.inFlight')

/** What a connection keeps for its close listener: an adapter's entry for one response, which knows that response. */
export interface InFlightResponse {
  readonly raw: object
}

/** The adapter lists of a connection: Fastify replies, or the node:http / Express binding's entries. */
export type InFlightList = 'replies' | 'responses'

/**
 * What Lookout keeps per connection, on the socket under one symbol: the peer address, read once, and the responses
 * in flight on it. One property added once per connection — every further request on a kept-alive connection adds
 * none — and one object for every area's per-connection state, so a socket goes through a single hidden-class
 * change: each change is another map that Node's stream code, optimised for the sockets it has seen, meets on the
 * next new connection (a `wrong map` deoptimisation of readable-stream functions there, seen with `--trace-deopt`
 * when the peer address and the reply list were two properties added at different times).
 */
export class ConnectionState {
  /** The socket's peer address when the connection's first request started (`undefined` if it had none). */
  readonly peerAddress: string | undefined
  /** Fastify replies in flight on this connection (src/http/adapters/fastify.ts), `undefined` until its first. */
  replies: InFlightResponse[] | undefined = undefined
  /** Express / node:http responses in flight on this connection (src/http/nodeBinding.ts), `undefined` until its first. */
  responses: InFlightResponse[] | undefined = undefined

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

type ClosableSocket = { once?(event: 'close', listener: (this: object) => void): unknown }
type Holder = { [kInFlight]?: InFlightResponse | undefined }

/**
 * Records a response in flight for the shared close listener of an adapter — on the connection's list, not as a
 * property added to the response: a property added to every `ServerResponse` after Node built it changes the
 * response's hidden class on every request, and Node's own response code after that point pays for it (measured on
 * Fastify: the store alone cost ~1.7 % of a hello request's CPU, docs/performance.md). The first response of a
 * connection adds `onSocketClose` to its socket, for the responses Node never closes: when a connection dies with
 * pipelined requests queued behind the one being answered, Node emits no `close` on the queued responses. A
 * response without a usable socket (HTTP/2, whose sockets carry many streams at once; fakes) keeps its entry on
 * itself.
 *
 * @example
 * trackInFlight('replies', reply, request.raw.socket, request.raw.httpVersionMajor === 2, onSocketClose)
 * reply.raw.on('close', onResponseClose) // takeInFlight('replies', this)
 */
export function trackInFlight(
  list: InFlightList,
  entry: InFlightResponse,
  socket: object | null | undefined,
  http2: boolean,
  onSocketClose: (this: object) => void,
): void {
  if (socket == null || http2 || typeof (socket as ClosableSocket).once !== 'function') {
    ;(entry.raw as Holder)[kInFlight] = entry
    return
  }
  const connection = connectionOf(socket)
  const entries = connection[list]
  if (entries !== undefined) {
    entries.push(entry)
    return
  }
  connection[list] = [entry]
  ;(socket as ClosableSocket).once!('close', onSocketClose)
}

/**
 * Takes the entry of the closed response `res` off its connection's list (or off `res` itself); `undefined` when
 * it is not there (finished already).
 *
 * @example
 * function onResponseClose(this: ServerResponse) { const reply = takeInFlight<FastifyReply>('replies', this) }
 */
export function takeInFlight<T extends InFlightResponse>(
  list: InFlightList,
  res: object & { req?: { socket?: object | null } },
): T | undefined {
  const own = (res as Holder)[kInFlight]
  if (own !== undefined) {
    ;(res as Holder)[kInFlight] = undefined
    return own as T
  }
  const socket = res.req?.socket
  const entries = socket == null ? undefined : connectionOf(socket)[list]
  if (entries === undefined) return undefined
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!
    if (entry.raw !== res) continue
    // Found by identity, so order does not matter: the last entry moves here and the list never shifts.
    const last = entries.pop()!
    if (i < entries.length) entries[i] = last
    return entry as T
  }
  return undefined
}

/**
 * Empties a closed connection's list and returns what was on it: responses Node will never close.
 *
 * @example
 * function onSocketClose(this: object) { for (const reply of drainInFlight<FastifyReply>('replies', this)) … }
 */
export function drainInFlight<T extends InFlightResponse>(list: InFlightList, socket: object): T[] {
  const connection = connectionOf(socket)
  const entries = connection[list]
  connection[list] = undefined
  return (entries ?? []) as T[]
}
