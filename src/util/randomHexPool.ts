import { randomFillSync } from 'node:crypto'

/** Ids handed out per CSPRNG fill. */
const BATCH = 512

/**
 * A source of random lowercase hex ids of one length (32 for request and trace ids, 16 for span ids), from the
 * CSPRNG. Each id is a slice of one hex string made per batch of 512 entirely in native code
 * (`randomFillSync` + `Buffer#toString('hex')`), because formatting each id in JavaScript costs far more than a
 * slice. A slice keeps its batch string alive while
 * it is referenced (16 KiB for 32-character ids). An all-zero id (invalid in W3C Trace Context) is redrawn when the batch is made, so `next()` is only a slice.
 *
 * `lastWordsXor()` gives the XOR of the last id's four big-endian 32-bit words (32-character ids), read from its bytes:
 * what a trace-id ratio sampler computes from the id's hex, without parsing it.
 *
 * @param chars id length in hex characters
 * @param fillRandom fills a byte range with random bytes; default `crypto.randomFillSync` (tests pass their own)
 * @example
 * const traceIds = createRandomHexPool(32)
 * traceIds.next() // '4bf92f3577b34da6a3ce929d0e0e4736'
 * traceIds.lastWordsXor() // (0x4bf92f35 ^ 0x77b34da6 ^ 0xa3ce929d ^ 0x0e0e4736) >>> 0
 */
export function createRandomHexPool(
  chars: 16 | 32,
  fillRandom: (buffer: Buffer, offset?: number, size?: number) => unknown = randomFillSync,
): {
  next(): string
  /** The id `next()` returned last (`''` before the first). */
  lastId(): string
  /** XOR of the last id's four big-endian 32-bit words, unsigned (32-character ids only). */
  lastWordsXor(): number
} {
  const bytes = Buffer.allocUnsafe((chars / 2) * BATCH)
  const size = chars / 2
  let batch = ''
  let index = BATCH
  let last = ''
  /** A fresh batch; an id whose bytes are all zero (p = 2^-64 or less per id) is drawn again, here, not per id. */
  function fill(): void {
    fillRandom(bytes)
    for (let at = 0; at < bytes.length; at += size) {
      let zero = true
      for (let i = at; i < at + size; i++) {
        if (bytes[i] !== 0) {
          zero = false
          break
        }
      }
      if (zero) {
        fillRandom(bytes, at, size)
        at -= size
      }
    }
    batch = bytes.toString('hex')
  }
  return {
    next() {
      if (index === BATCH) {
        fill()
        index = 0
      }
      const start = index++ * chars
      last = batch.slice(start, start + chars)
      return last
    },
    lastId: () => last,
    lastWordsXor() {
      const at = (index - 1) * size
      let x = 0
      for (let w = at; w < at + 16; w += 4)
        x ^= (bytes[w]! << 24) | (bytes[w + 1]! << 16) | (bytes[w + 2]! << 8) | bytes[w + 3]!
      return x >>> 0
    },
  }
}
