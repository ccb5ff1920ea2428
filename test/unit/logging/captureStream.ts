import { Writable } from 'node:stream'

/** A pino destination that keeps every line (parsed) in memory. */
export function captureStream(): Writable & { lines: Record<string, unknown>[]; raw: string[] } {
  const raw: string[] = []
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk, _enc, cb) {
      const text = chunk.toString()
      for (const l of text.split('\n')) {
        if (l === '') continue
        raw.push(l)
        lines.push(JSON.parse(l) as Record<string, unknown>)
      }
      cb()
    },
  }) as Writable & { lines: Record<string, unknown>[]; raw: string[] }
  // pino writes strings synchronously through multistream; make write() synchronous for tests.
  stream.write = ((chunk: string) => {
    for (const l of String(chunk).split('\n')) {
      if (l === '') continue
      raw.push(l)
      lines.push(JSON.parse(l) as Record<string, unknown>)
    }
    return true
  }) as typeof stream.write
  stream.lines = lines
  stream.raw = raw
  return stream
}
