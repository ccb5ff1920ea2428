// A loopback listener that counts every TCP connection it accepts: SSRF cases point refused URLs at its port and
// assert it saw none. It listens on 127.0.0.1 and, where the host has IPv6, on ::1 with the same port.
import { once } from 'node:events'
import { createServer, type Server, type Socket } from 'node:net'

export interface DecoyListener {
  readonly port: number
  /** Connections accepted so far, on either address. */
  readonly connections: number
  close(): Promise<void>
}

export async function startDecoyListener(): Promise<DecoyListener> {
  let connections = 0
  const sockets = new Set<Socket>()
  const onConnection = (socket: Socket) => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    // Answer like a web server would, so a client that got through gets a response rather than a hang.
    socket.on('data', () => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok'))
    socket.on('error', () => {})
  }
  const v4 = createServer(onConnection)
  v4.listen(0, '127.0.0.1')
  await once(v4, 'listening')
  const port = (v4.address() as { port: number }).port
  const servers: Server[] = [v4]
  const v6 = createServer(onConnection)
  try {
    v6.listen(port, '::1')
    await once(v6, 'listening')
    servers.push(v6)
  } catch {
    // no IPv6 loopback on this host: the [::1] forms then have nothing to reach either
  }
  return {
    port,
    get connections() {
      return connections
    },
    async close() {
      for (const s of sockets) s.destroy()
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
    },
  }
}

/** The loopback forms of the decoy's address that a URL parser or resolver turns into 127.0.0.1 / ::1. */
export function loopbackForms(port: number): readonly string[] {
  return [
    `http://127.0.0.1:${port}/hook`,
    `http://localhost:${port}/hook`,
    `http://LOCALHOST.:${port}/hook`,
    `http://[::1]:${port}/hook`,
    `http://0.0.0.0:${port}/hook`,
    `http://2130706433:${port}/hook`,
    `http://0x7f000001:${port}/hook`,
    `http://0177.0.0.1:${port}/hook`,
    `http://127.1:${port}/hook`,
    `http://[::ffff:127.0.0.1]:${port}/hook`,
    `http://[::127.0.0.1]:${port}/hook`,
    `http://user:pass@127.0.0.1:${port}/hook`,
  ]
}

/** Internal targets that must be refused without any traffic (no listener: nothing may even be attempted). */
export const PRIVATE_TARGETS: readonly string[] = [
  'http://169.254.169.254/latest/meta-data/',
  'http://10.0.0.1/hook',
  'http://172.16.5.4/hook',
  'http://192.168.1.1/hook',
  'http://100.64.0.1/hook',
  'http://[fd00::1]/hook',
  'http://[fe80::1]/hook',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://224.0.0.1/hook',
]
