/** Room for a length varint (up to 2^35 − 1) beside a string's worst case. */
const LENGTH_RESERVE = 5

/**
 * A protobuf wire-format writer over one growable buffer. Strings are encoded by Node (`Buffer.write`), not a
 * character at a time in JavaScript. A nested message is written
 * once: one byte is reserved for its length (most messages, an attribute's key and value, are under 128 bytes),
 * and only a longer message is moved forward to make room for a longer length, instead of sizing every message in
 * a first pass.
 *
 * @example
 * const w = new ProtobufWriter()
 * const at = w.begin(1) // field 1, a message
 * w.string(1, 'name')
 * w.end(at)
 * w.finish() // Uint8Array
 */
export class ProtobufWriter {
  private buf: Buffer
  private pos = 0

  constructor(initialBytes = 16_384) {
    this.buf = Buffer.allocUnsafe(initialBytes)
  }

  /** The bytes written so far (a view of the writer's buffer: copy it before writing more). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos)
  }

  /** Empties the writer, keeping its buffer. */
  reset(): void {
    this.pos = 0
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes))
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  /** A field key (field number and wire type). */
  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType)
  }

  /** An unsigned varint below 2^32. */
  varint(value: number): void {
    this.ensure(5)
    this.pos = this.varintAt(this.pos, value)
  }

  /** Writes an unsigned varint below 2^32 at `at` (room checked by the caller); returns the position after it. */
  private varintAt(at: number, value: number): number {
    let v = value >>> 0
    let p = at
    while (v > 0x7f) {
      this.buf[p++] = (v & 0x7f) | 0x80
      v >>>= 7
    }
    this.buf[p++] = v
    return p
  }

  /** A 64-bit varint of an integer (negative ones as two's complement: 10 bytes), as `int64` is written. */
  varint64(value: number): void {
    if (value >= 0 && value <= 0xffffffff) {
      this.varint(value)
      return
    }
    this.ensure(10)
    let low: number
    let high: number
    if (value >= 0) {
      low = value >>> 0
      high = Math.floor(value / 0x100000000) >>> 0
    } else {
      const abs = -value
      low = ~(abs >>> 0) >>> 0
      high = ~(Math.floor(abs / 0x100000000) >>> 0) >>> 0
      low = (low + 1) >>> 0
      if (low === 0) high = (high + 1) >>> 0
    }
    while (high > 0 || low > 0x7f) {
      this.buf[this.pos++] = (low & 0x7f) | 0x80
      low = ((low >>> 7) | (high << 25)) >>> 0
      high >>>= 7
    }
    this.buf[this.pos++] = low
  }

  /** A `fixed32` field value. */
  fixed32(value: number): void {
    this.ensure(4)
    this.buf.writeUInt32LE(value >>> 0, this.pos)
    this.pos += 4
  }

  /** A `fixed64` value from its low and high 32-bit halves. */
  fixed64(low: number, high: number): void {
    this.ensure(8)
    this.buf.writeUInt32LE(low >>> 0, this.pos)
    this.buf.writeUInt32LE(high >>> 0, this.pos + 4)
    this.pos += 8
  }

  /** A `double` value. */
  double(value: number): void {
    this.ensure(8)
    this.buf.writeDoubleLE(value, this.pos)
    this.pos += 8
  }

  /** A string field (tag, UTF-8 length, bytes). */
  string(field: number, value: string): void {
    this.tag(field, 2)
    // Room for the worst case: 3 bytes per UTF-16 unit (a lone surrogate is written as U+FFFD, 3 bytes).
    this.ensure(LENGTH_RESERVE + value.length * 3)
    // Written after a one-byte length (most strings are shorter than 128 bytes), moved if the length needs more:
    // no pass over the string to size it first.
    const at = this.pos
    const bytes = this.buf.write(value, at + 1, 'utf8')
    if (bytes < 0x80) {
      this.buf[at] = bytes
      this.pos = at + 1 + bytes
      return
    }
    let size = 1
    for (let v = bytes >>> 7; v > 0; v >>>= 7) size++
    this.buf.copyWithin(at + size, at + 1, at + 1 + bytes)
    this.pos = this.varintAt(at, bytes) + bytes
  }

  /** A bytes field holding the binary value of a hex string (trace and span ids). */
  hexBytes(field: number, hex: string): void {
    this.tag(field, 2)
    const bytes = hex.length >>> 1
    this.ensure(LENGTH_RESERVE + bytes)
    this.varint(bytes)
    const written = this.buf.write(hex, this.pos, bytes, 'hex')
    // An id that is not hex would write fewer bytes: keep the declared length with zeros.
    if (written < bytes) this.buf.fill(0, this.pos + written, this.pos + bytes)
    this.pos += bytes
  }

  /** A bytes field. */
  bytes(field: number, value: Uint8Array): void {
    this.tag(field, 2)
    this.ensure(LENGTH_RESERVE + value.length)
    this.varint(value.length)
    this.buf.set(value, this.pos)
    this.pos += value.length
  }

  /** Bytes already encoded (a whole field, tag included). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length)
    this.buf.set(bytes, this.pos)
    this.pos += bytes.length
  }

  /**
   * A copy of the body of the message just ended by {@link end}`(at)` (without its tag and length), when that body
   * is under 128 bytes (its length took the one reserved byte); `undefined` for a longer one.
   */
  bodyOf(at: number): Uint8Array | undefined {
    const length = this.buf[at]!
    if (length >= 0x80 || at + 1 + length !== this.pos) return undefined
    return new Uint8Array(this.buf.subarray(at + 1, this.pos))
  }

  /** Starts a length-delimited field (a message); returns what {@link end} needs. */
  begin(field: number): number {
    this.tag(field, 2)
    this.ensure(1)
    const at = this.pos
    this.pos += 1
    return at
  }

  /** Ends the message started at `at`: writes its length, moving the message forward if the length needs more than a byte. */
  end(at: number): void {
    const bodyStart = at + 1
    const length = this.pos - bodyStart
    if (length < 0x80) {
      this.buf[at] = length
      return
    }
    let extra = 0
    for (let v = length >>> 7; v > 0; v >>>= 7) extra++
    this.ensure(extra)
    this.buf.copyWithin(bodyStart + extra, bodyStart, this.pos)
    this.varintAt(at, length)
    this.pos += extra
  }
}
