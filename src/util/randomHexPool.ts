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
 * @param chars id length in hex characters
 * @param fillRandom fills a byte range with random bytes; default `crypto.randomFillSync` (tests pass their own)
 * @example
 * const traceIds = createRandomHexPool(32)
 * traceIds.next() // '4bf92f3577b34da6a3ce929d0e0e4736'
 */
export function createRandomHexPool(
  chars: 16 | 32,
  fillRandom: (buffer: Buffer, offset?: number, size?: number) => unknown = randomFillSync,
): { next(): string } {
  const bytes = Buffer.allocUnsafe((chars / 2) * BATCH)
  const size = chars / 2
  let batch = ''
  let index = BATCH
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
      return batch.slice(start, start + chars)
    },
  }
}
