import { once } from 'node:events'
import { createServer, type Socket } from 'node:net'
import { type Document, deserialize, Long, serialize } from 'bson'

// Wire protocol opcodes (MongoDB 4.4+ speaks OP_MSG; drivers send their first hello as OP_QUERY).
const OP_REPLY = 1
const OP_QUERY = 2004
const OP_MSG = 2013
const HEADER = 16

/** One command the stub answered. */
export interface ReceivedCommand {
  readonly name: string
  readonly db: string
  readonly body: Document
}

/** A loopback MongoDB wire-protocol server that answers the commands a driver needs for insert and find. */
export interface MongoWireStub {
  /** `mongodb://127.0.0.1:<port>/?directConnection=true` */
  readonly url: string
  readonly port: number
  /** Commands received after the handshake (hello, insert, find, …), in order. */
  readonly commands: readonly ReceivedCommand[]
  /** Protocol violations seen (each one also closed its connection). */
  readonly violations: readonly string[]
  close(): Promise<void>
}

const HELLO_NAMES = new Set(['hello', 'ismaster', 'isMaster'])

function helloReply(connectionId: number): Document {
  return {
    helloOk: true,
    ismaster: true,
    isWritablePrimary: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ok: 1,
  }
}

/** Top-level equality on every key of `filter` (what the tests' finds use). */
function matches(doc: Document, filter: Document): boolean {
  return Object.entries(filter).every(([k, v]) => JSON.stringify(doc[k]) === JSON.stringify(v))
}

/**
 * Starts the stub on a free loopback port. It keeps inserted documents per `db.collection` and answers `find`
 * with those matching the filter by top-level equality, in one batch (cursor id 0). The handshake must be OP_QUERY
 * on `admin.$cmd` or OP_MSG; any other opcode, a checksum or a malformed section closes the connection and is
 * recorded as a violation. Unknown commands get `{ok: 0, code: 59}` (CommandNotFound), as a server answers them.
 *
 * @example
 * const mongo = await startMongoWireStub()
 * t.after(() => mongo.close())
 */
export async function startMongoWireStub(): Promise<MongoWireStub> {
  const commands: ReceivedCommand[] = []
  const violations: string[] = []
  const collections = new Map<string, Document[]>()
  const sockets = new Set<Socket>()
  let connections = 0
  let requestIds = 1

  const answer = (name: string, db: string, body: Document, connectionId: number): Document => {
    if (HELLO_NAMES.has(name)) return helloReply(connectionId)
    switch (name) {
      case 'ping':
      case 'endSessions':
        return { ok: 1 }
      case 'insert': {
        const ns = `${db}.${String(body.insert)}`
        const docs = (body.documents as Document[] | undefined) ?? []
        const stored = collections.get(ns) ?? []
        stored.push(...docs)
        collections.set(ns, stored)
        return { n: docs.length, ok: 1 }
      }
      case 'find': {
        const ns = `${db}.${String(body.find)}`
        const filter = (body.filter as Document | undefined) ?? {}
        const limit = typeof body.limit === 'number' && body.limit > 0 ? body.limit : Number.POSITIVE_INFINITY
        const found = (collections.get(ns) ?? []).filter((d) => matches(d, filter)).slice(0, limit)
        return { cursor: { id: Long.ZERO, ns, firstBatch: found }, ok: 1 }
      }
      default:
        return { ok: 0, errmsg: `no such command: '${name}'`, code: 59, codeName: 'CommandNotFound' }
    }
  }

  const frame = (opCode: number, responseTo: number, payload: Buffer): Buffer => {
    const header = Buffer.alloc(HEADER)
    header.writeInt32LE(HEADER + payload.length, 0)
    header.writeInt32LE(requestIds++, 4)
    header.writeInt32LE(responseTo, 8)
    header.writeInt32LE(opCode, 12)
    return Buffer.concat([header, payload])
  }

  const handle = (socket: Socket, message: Buffer, connectionId: number): boolean => {
    const requestId = message.readInt32LE(4)
    const opCode = message.readInt32LE(12)
    if (opCode === OP_QUERY) {
      // flags, fullCollectionName (cstring), numberToSkip, numberToReturn, query document.
      const end = message.indexOf(0, HEADER + 4)
      const collection = message.toString('utf8', HEADER + 4, end)
      if (end === -1 || collection !== 'admin.$cmd') return fail(`OP_QUERY on ${collection}`)
      const query = deserialize(message.subarray(end + 9), { allowObjectSmallerThanBufferSize: true })
      const name = Object.keys(query)[0] ?? ''
      if (!HELLO_NAMES.has(name)) return fail(`OP_QUERY ${name} (only the handshake may use OP_QUERY)`)
      const doc = serialize(helloReply(connectionId))
      const reply = Buffer.alloc(20)
      reply.writeInt32LE(0, 0) // responseFlags
      // cursorID (8 bytes) and startingFrom stay 0
      reply.writeInt32LE(1, 16) // numberReturned
      socket.write(frame(OP_REPLY, requestId, Buffer.concat([reply, doc])))
      return true
    }
    if (opCode !== OP_MSG) return fail(`opcode ${opCode}`)
    const flags = message.readUInt32LE(HEADER)
    if ((flags & 1) !== 0) return fail('checksum present')
    let offset = HEADER + 4
    let body: Document | undefined
    const sequences: Record<string, Document[]> = {}
    while (offset < message.length) {
      const kind = message[offset]
      offset += 1
      if (kind === 0) {
        const size = message.readInt32LE(offset)
        if (body !== undefined) return fail('two body sections')
        body = deserialize(message.subarray(offset, offset + size))
        offset += size
      } else if (kind === 1) {
        const size = message.readInt32LE(offset)
        const end = offset + size
        const idEnd = message.indexOf(0, offset + 4)
        const id = message.toString('utf8', offset + 4, idEnd)
        const docs: Document[] = []
        let p = idEnd + 1
        while (p < end) {
          const len = message.readInt32LE(p)
          docs.push(deserialize(message.subarray(p, p + len)))
          p += len
        }
        sequences[id] = docs
        offset = end
      } else {
        return fail(`section kind ${kind}`)
      }
    }
    if (body === undefined) return fail('no body section')
    const merged: Document = { ...body, ...sequences }
    const name = Object.keys(body)[0] ?? ''
    const db = typeof body.$db === 'string' ? body.$db : ''
    if (db === '') return fail(`${name} without $db`)
    if (!HELLO_NAMES.has(name)) commands.push({ name, db, body: merged })
    const doc = serialize(answer(name, db, merged, connectionId))
    const payload = Buffer.alloc(5 + doc.length)
    payload.writeUInt32LE(0, 0)
    payload[4] = 0
    payload.set(doc, 5)
    // moreToCome (bit 1): the client expects no reply.
    if ((flags & 2) === 0) socket.write(frame(OP_MSG, requestId, payload))
    return true

    function fail(what: string): false {
      violations.push(what)
      socket.destroy()
      return false
    }
  }

  const server = createServer((socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    const connectionId = ++connections
    let buffered = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      while (buffered.length >= 4) {
        const size = buffered.readInt32LE(0)
        if (size < HEADER || size > 48_000_000) {
          violations.push(`message length ${size}`)
          socket.destroy()
          return
        }
        if (buffered.length < size) return
        const message = buffered.subarray(0, size)
        buffered = buffered.subarray(size)
        try {
          if (!handle(socket, message, connectionId)) return
        } catch (error) {
          violations.push(`malformed message: ${(error as Error).message}`)
          socket.destroy()
          return
        }
      }
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as { port: number }).port
  return {
    url: `mongodb://127.0.0.1:${port}/?directConnection=true`,
    port,
    commands,
    violations,
    close() {
      for (const s of sockets) s.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
