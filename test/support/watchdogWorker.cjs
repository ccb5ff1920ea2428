// The worker thread of test/support/watchdog.ts. Every 500 ms it compares the main thread's heartbeat counter
// with the last one seen. When it has not moved for `stallMs`, the main thread is stuck in JavaScript (a
// synchronous call, or a promise loop that never yields to timers) — which a test timeout cannot report, since
// its timer never fires. The worker then pauses the main thread through the inspector, writes its JavaScript
// stack (with async frames) straight to fd 2 — the main thread cannot forward a worker's stdio while
// stuck — and resumes it. One report per stall.
const { workerData } = require('node:worker_threads')
const { writeSync } = require('node:fs')
const { Session } = require('node:inspector')

const beat = new Int32Array(workerData.beat)
const phase = new Uint8Array(workerData.phase)
const decoder = new TextDecoder()
const phaseName = () => {
  const end = phase.indexOf(0)
  return decoder.decode(phase.slice(0, end === -1 ? phase.length : end))
}
const write = (s) => {
  try {
    writeSync(2, s)
  } catch {}
}
const line = (f) =>
  `    at ${f.functionName || '<anonymous>'} (${f.url}:${f.lineNumber + 1}:${f.columnNumber + 1})`

function reportStack() {
  const session = new Session()
  try {
    session.connectToMainThread()
  } catch (err) {
    write(`watchdog: cannot attach to the main thread: ${err.message}\n`)
    return
  }
  // A pause often lands inside Node's own promise hooks, with no frame of the code that spins: sample up to 20
  // times and write the first 3 distinct stacks that reach code outside Node (or the last sample, if none does).
  let samples = 0
  let written = 0
  let lastText = ''
  const seen = new Set()
  const urls = new Map()
  session.on('Debugger.scriptParsed', ({ params }) => urls.set(params.scriptId, params.url))
  session.on('Debugger.paused', ({ params }) => {
    samples++
    const frames = params.callFrames.map((f) => ({ functionName: f.functionName, ...f.location }))
    for (let a = params.asyncStackTrace; a !== undefined; a = a.parent) frames.push(...a.callFrames)
    const shown = frames.slice(0, 30).map((f) => ({ ...f, url: f.url || urls.get(f.scriptId) || '?' }))
    const text = shown.map(line).join('\n')
    lastText = text
    if (shown.some((f) => !f.url.startsWith('node:')) && !seen.has(text)) {
      seen.add(text)
      written++
      write(`watchdog: main thread stack (sample ${samples}):\n${text}\n`)
    }
    session.post('Debugger.resume', () => {
      if (written < 3 && samples < 20) return setTimeout(() => session.post('Debugger.pause'), 100)
      if (written === 0)
        write(`watchdog: main thread stack (sample ${samples}, inside Node only):\n${lastText}\n`)
      session.disconnect()
    })
  })
  session.post('Debugger.enable', () =>
    session.post('Debugger.setAsyncCallStackDepth', { maxDepth: 16 }, () => session.post('Debugger.pause')),
  )
}

let last = Atomics.load(beat, 0)
let since = Date.now()
let reported = false
setInterval(() => {
  const now = Atomics.load(beat, 0)
  if (now !== last) {
    last = now
    since = Date.now()
    reported = false
    return
  }
  const stalled = Date.now() - since
  if (reported || stalled < workerData.stallMs) return
  reported = true
  write(
    `watchdog: the event loop has not turned for ${Math.round(stalled / 1000)} s (phase: ${phaseName()})\n`,
  )
  reportStack()
}, 500)
