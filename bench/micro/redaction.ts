// Cost of the shared redactor on a typical request log line (DESIGN.md budget: ≤ 2 µs per line).
// Run: node --conditions=lookout-source --import tsx bench/micro/redaction.ts
// Prints one line per case: name, ns/op, ops/s. Pure CPU, no I/O.
import { createRedactor } from '../../src/redact/index.ts'

const redactor = createRedactor()

/** A request log line as the request-log observer builds it (plus mixin context fields). */
export function typicalLine(): Record<string, unknown> {
  return {
    event: 'request',
    request_id: '6f1c2a9e-3b7d-4d2a-9f0e-1c2b3a4d5e6f',
    tenant_id: 'acme',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
    method: 'GET',
    route: '/users/:id',
    path: '/users/42?include=roles&page=2',
    status: 200,
    duration_ms: 12.345,
    request_bytes: 0,
    response_bytes: 512,
    client_ip: '203.0.113.9',
    user_agent:
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  }
}

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
