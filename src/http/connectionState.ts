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
 * `remoteAddress` getter goes through `_getpeername()` and two `_handle` getters on every read, and has nothing
 * to return once the socket is destroyed).
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
type ClosingResponse = { req?: { socket?: object | null }; writableEnded: boolean }

/** What an adapter's close listener needs: where to record a response, and the listener itself. */
export interface InFlightTracker<T extends InFlightResponse> {
  /**
   * Records a response in flight on its connection; `http2` (or a socket without `once`) keeps the entry on the
   * response itself.
   */
  track(entry: T, socket: object | null | undefined, http2: boolean): void
  /** The shared listener to add with `res.on('close', onResponseClose)` for every tracked response. */
  readonly onResponseClose: (this: ClosingResponse) => void
}

/**
 * The close-listener bookkeeping of one adapter: responses in flight are kept on the connection's list `list`, not
 * as a property added to the response — a property added to every `ServerResponse` after Node built it changes the
 * response's hidden class on every request, and Node's own response code after that point pays for it. `finish` runs once per
 * entry: from the response's `close` (aborted when the response never ended), or from the connection's `close`
 * for what is left on its list (aborted when the response never finished) — when a connection dies with pipelined
 * requests queued behind the one being answered, Node emits no `close` on the queued responses. A response without
 * a usable socket (HTTP/2, whose sockets carry many streams at once; fakes) keeps its entry on itself.
 *
 * @example
 * const replies = createInFlightTracker<FastifyReply>('replies', (reply, aborted) => finishReply(reply, aborted))
 * replies.track(reply, request.raw.socket, request.raw.httpVersionMajor === 2)
 * reply.raw.on('close', replies.onResponseClose)
 */
export function createInFlightTracker<T extends InFlightResponse>(
  list: InFlightList,
  finish: (entry: T, aborted: boolean) => void,
): InFlightTracker<T> {
  function onSocketClose(this: object): void {
    const connection = connectionOf(this)
    const entries = connection[list] as T[] | undefined
    connection[list] = undefined
    if (entries === undefined) return
    for (const entry of entries)
      finish(entry, !(entry.raw as { writableFinished?: boolean }).writableFinished)
  }

  return {
    track(entry, socket, http2) {
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
    },
    onResponseClose() {
      const entry = take(list, this) as T | undefined
      if (entry !== undefined) finish(entry, !this.writableEnded)
    },
  }
}

/** Takes the entry of the closed response `res` off its connection's list (or off `res` itself). */
function take(list: InFlightList, res: ClosingResponse): InFlightResponse | undefined {
  const own = (res as Holder)[kInFlight]
  if (own !== undefined) {
    ;(res as Holder)[kInFlight] = undefined
    return own
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
    return entry
  }
  return undefined
}
