import { fstatSync, write as fsWrite, writeSync } from 'node:fs'

/** Options of {@link createLineDestination}. */
export interface LineDestinationOptions {
  /** File descriptor the lines go to. Default `1` (stdout). */
  readonly fd?: number
  /**
   * Characters of lines kept waiting while a write is in flight; a line that would pass it is dropped and counted
   * (`dropped.backlog`), so a stalled reader of stdout costs memory up to this bound, never more. Default
   * `16_777_216` (16 Mi characters).
   */
  readonly maxPendingChars?: number
  /**
   * Write each batch with one synchronous `write(2)` on the main thread instead of handing it to libuv's thread
   * pool. Default: yes when the descriptor is a regular file or a character device (`/dev/null`, a terminal),
   * whose writes do not wait on a reader; no for pipes and sockets, where a stalled reader would stall the service.
   */
  readonly synchronous?: boolean
}

/** Lines a {@link LineDestination} did not write, by reason. */
export interface LineDrops {
  /** The pending lines passed `maxPendingChars` (the reader of the descriptor is slower than the service). */
  readonly backlog: number
  /** The descriptor failed (`EPIPE`, `EBADF` …): that batch and every later line are dropped. */
  readonly writeFailed: number
}

/** A pino destination stream that batches lines while a write is in flight. */
export interface LineDestination {
  /** Queues one line; writes it at once when no write is in flight. Never throws. Always `true`. */
  write(line: string): boolean
  /** Calls back once everything queued so far has been written (or dropped). */
  flush(callback?: (err?: Error) => void): void
  /** Writes the queued lines synchronously (process exit). A batch already in flight is left to its write. */
  flushSync(): void
  /** Lines not written, by reason. */
  readonly dropped: LineDrops
}

const EAGAIN_RETRY_MS = 10
/** The synchronous writer's reused buffer: its first size, and the largest batch encoded into it. */
const SCRATCH_MIN_BYTES = 65_536
const SCRATCH_MAX_BYTES = 4_194_304

/** Destinations alive in this process, flushed synchronously when it exits (one `exit` listener for all). */
const live = new Set<WeakRef<LineDestination>>()
let exitHookInstalled = false

function flushLiveOnExit(): void {
  for (const ref of live) ref.deref()?.flushSync()
}

/** Whether writes to `fd` complete without waiting on a reader (a regular file, a character device). */
function writesWithoutReader(fd: number): boolean {
  try {
    const stat = fstatSync(fd)
    return stat.isFile() || stat.isCharacterDevice()
  } catch {
    return false
  }
}

/**
 * Creates the stream Lookout's logger writes JSON lines to (stdout by default). Lines are collected for the rest of
 * the event-loop turn and written as one batch (`setImmediate`), and lines that arrive while a batch is in flight
 * join the next one, so N lines of a busy turn cost one write, not N. A pipe or socket is written with `fs.write`
 * (off the main thread); a file or character device with one synchronous write per batch (see `synchronous`).
 *
 * Why not `pino.destination({ sync: false })` (sonic-boom 4): it appends each line to the pending string and
 * measures that whole string's UTF-8 length on every write (`Buffer.byteLength(bufs[last])`), which flattens it —
 * per line, work that grows with the backlog.
 *
 * Bounded: at most `maxPendingChars` wait; beyond, lines are dropped and counted. `EAGAIN` (a non-blocking pipe
 * that is full) is retried every 10 ms; any other write error ends writing — the lines are counted as dropped and
 * the service carries on. On process exit, queued lines are written synchronously.
 *
 * @example
 * const destination = createLineDestination() // stdout
 * const logger = pino({}, destination)
 * destination.dropped // { backlog: 0, writeFailed: 0 }
 */
export function createLineDestination(options: LineDestinationOptions = {}): LineDestination {
  const fd = options.fd ?? 1
  const maxPendingChars = options.maxPendingChars ?? 16_777_216
  const synchronous = options.synchronous ?? writesWithoutReader(fd)
  let pending: string[] = []
  let scheduled = false
  let scratch = synchronous ? Buffer.allocUnsafeSlow(SCRATCH_MIN_BYTES) : Buffer.alloc(0)
  let pendingChars = 0
  let writing = false
  let broken = false
  let backlog = 0
  let writeFailed = 0
  let waiters: ((err?: Error) => void)[] = []

  function settled(): void {
    if (writing || pending.length > 0 || waiters.length === 0) return
    const done = waiters
    waiters = []
    for (const w of done) w()
  }

  function fail(lines: number): void {
    broken = true
    writeFailed += lines + pending.length
    pending = []
    pendingChars = 0
    writing = false
    settled()
  }

  function writeFrom(buffer: Buffer, offset: number, lines: number): void {
    fsWrite(fd, buffer, offset, buffer.length - offset, null, (err, written) => {
      if (err) {
        if (err.code === 'EAGAIN') {
          setTimeout(() => writeFrom(buffer, offset, lines), EAGAIN_RETRY_MS)
          return
        }
        fail(lines)
        return
      }
      if (offset + written < buffer.length) {
        writeFrom(buffer, offset + written, lines)
        return
      }
      writing = false
      if (pending.length > 0) schedule()
      else settled()
    })
  }

  /** Writes the batch on the main thread; a descriptor that would block (`EAGAIN`) gets the rest asynchronously. */
  function writeNow(buffer: Buffer, lines: number): void {
    let offset = 0
    while (offset < buffer.length) {
      try {
        offset += writeSync(fd, buffer, offset, buffer.length - offset)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
          // The rest goes asynchronously; `writing` stays set, so nothing reuses the scratch buffer meanwhile.
          writeFrom(buffer, offset, lines)
          return
        }
        fail(lines)
        return
      }
    }
    writing = false
    if (pending.length > 0) schedule()
    else settled()
  }

  /** The queued lines as one buffer (and how many they were); the queue is empty afterwards. */
  function takePending(): { buffer: Buffer; lines: number } {
    const lines = pending.length
    const text = lines === 1 ? pending[0]! : pending.join('')
    pending = []
    pendingChars = 0
    return { buffer: Buffer.from(text, 'utf8'), lines }
  }

  /**
   * The queued lines encoded into the reused scratch buffer (the queue is empty afterwards): a synchronous write is
   * done with its bytes before the next batch, and a fresh buffer per batch costs an allocation the size of it.
   */
  function encodePending(): { buffer: Buffer; lines: number } {
    const lines = pending.length
    // Worst case 3 bytes per UTF-16 unit; the scratch buffer grows to fit, up to SCRATCH_MAX_BYTES.
    const worst = pendingChars * 3
    if (worst > SCRATCH_MAX_BYTES) return takePending()
    if (scratch.length < worst) scratch = Buffer.allocUnsafeSlow(Math.max(worst, scratch.length * 2))
    let used = 0
    for (let i = 0; i < lines; i++) used += scratch.write(pending[i]!, used, 'utf8')
    pending = []
    pendingChars = 0
    return { buffer: scratch.subarray(0, used), lines }
  }

  function submit(): void {
    scheduled = false
    if (writing || broken || pending.length === 0) return
    writing = true
    if (synchronous) {
      const { buffer, lines } = encodePending()
      writeNow(buffer, lines)
    } else {
      const { buffer, lines } = takePending()
      writeFrom(buffer, 0, lines)
    }
  }

  /** Writes what is pending once this event-loop turn's callbacks have run. */
  function schedule(): void {
    if (scheduled) return
    scheduled = true
    setImmediate(submit)
  }

  const destination: LineDestination = {
    write(line) {
      if (broken) {
        writeFailed++
        return true
      }
      if (pendingChars + line.length > maxPendingChars) {
        backlog++
        return true
      }
      pending.push(line)
      pendingChars += line.length
      if (!writing) schedule()
      return true
    },
    flush(callback) {
      if (callback === undefined) return
      waiters.push(callback)
      settled()
    },
    flushSync() {
      if (broken || pending.length === 0) return
      const { buffer, lines } = takePending()
      let offset = 0
      let attempts = 0
      while (offset < buffer.length) {
        try {
          offset += writeSync(fd, buffer, offset, buffer.length - offset)
        } catch (err) {
          // A full non-blocking pipe: wait a little, a bounded number of times, without spinning the CPU.
          if ((err as NodeJS.ErrnoException).code === 'EAGAIN' && ++attempts <= 100) {
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, EAGAIN_RETRY_MS)
            continue
          }
          broken = true
          writeFailed += lines
          return
        }
      }
    },
    get dropped() {
      return { backlog, writeFailed }
    },
  }
  for (const ref of live) if (ref.deref() === undefined) live.delete(ref)
  live.add(new WeakRef(destination))
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once('exit', flushLiveOnExit)
  }
  return destination
}
