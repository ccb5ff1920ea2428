// Cost of the shared redactor on a typical request log line (budget: ≤ 2 µs per line).
// Run: node --conditions=lookout-source --import tsx bench/micro/redaction.ts
// Prints one line per case: name, ns/op, ops/s. Pure CPU, no I/O.
import { createRedactor } from '../../src/redact/index.ts'
import { typicalLine } from './typicalLine.ts'

const redactor = createRedactor()

function bench(name: string, fn: () => unknown, iterations = 200_000): void {
  for (let i = 0; i < 20_000; i++) fn() // warm-up (JIT)
  let sink: unknown
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) sink = fn()
  const ns = Number(process.hrtime.bigint() - t0) / iterations
  if (sink === Symbol.for('never')) console.log(sink)
  console.log(
    `${name.padEnd(48)} ${ns.toFixed(0).padStart(7)} ns/op ${Math.round(1e9 / ns)
      .toLocaleString('en-US')
      .padStart(12)} ops/s`,
  )
}

const line = typicalLine()
const ua = line.user_agent as string
const dirty = { ...line, path: '/reset?token=abc123&email=jane%40example.com', user: 'jane@example.com' }

bench('redactShared(typical request line, clean)', () => redactor.redactShared(line))
bench('redact(typical request line, deep copy)', () => redactor.redact(line))
bench('redactShared(request line with email + token)', () => redactor.redactShared(dirty))
bench('redactString(user agent, 111 chars)', () => redactor.redactString(ua))
bench('redactString(message with email)', () =>
  redactor.redactString('password reset sent to jane@example.com'),
)
bench('redactUrl(path with query)', () => redactor.redactUrl('/users/42?include=roles&page=2'))
bench(
  'redactString(4 KB log text)',
  () => redactor.redactString('lorem ipsum dolor sit amet, '.repeat(146)),
  5_000,
)
