// What adversarial strings cost the redactor compared with benign text of the same length (budget: at most 3x per
// KB). One unauthenticated request can put ~16 KB of its own text (path, query, headers) through redactString.
// Run: node --conditions=lookout-source --import tsx bench/micro/redactionShapes.ts [--quick] [--shape=<part of a name>]
//   [--custom-only]
// Two tables: the built-in patterns, then a redactor with custom value patterns (redact.patterns) against shapes
// aimed at them (its benign text pays for the custom patterns too). Prints, per size and shape: µs of CPU per KB, the ratio to benign text of the same size (median of interleaved
// rounds) and the scanners' work per character (deterministic). Exits 1 when a ratio is over the budget.
import fc from 'fast-check'
import { compileValuePatterns } from '../../src/redact/compileValuePatterns.ts'
import type { ScanWork } from '../../src/redact/index.ts'
import { createKeyMatcher, createStringRedactor } from '../../src/redact/index.ts'

const BUDGET = 3
const quick = process.argv.includes('--quick')
const only = process.argv.find((a) => a.startsWith('--shape='))?.slice('--shape='.length)
const SIZES = quick ? [4096] : [1024, 4096, 15_360]
const ROUNDS = quick ? 5 : 9

/** A realistic request text: a path with a query, a user agent, a timestamp, key=value fields. */
const BENIGN_UNIT =
  'GET /api/v1/orders/12345/items?page=2&sort=name&q=blue+shoes ua=Mozilla/5.0 (X11; Linux x86_64) ' +
  'status=200 at 2026-12-06T03:52:20Z '

function fill(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size)
}

/** Shapes that made the redactor re-read text, and their neighbours. `(size) => text`. */
const SHAPES: Record<string, (size: number) => string> = {
  'a=a=…': (n) => fill('a=', n),
  'a://x:x:…@': (n) => `${fill('a://x:'.concat('x:'.repeat(n)), n - 1)}@`,
  'ab://x:x:…@': (n) => `${fill('ab://x:'.concat('x:'.repeat(n)), n - 1)}@`,
  'colon run :::…': (n) => fill(':', n),
  'x:x:…': (n) => fill('x:', n),
  'name run + colons': (n) => fill(`${'a'.repeat(64)}:`, n),
  'letters…://@': (n) => `${'a'.repeat(n - 4)}://@`,
  'ab://@ab://@…': (n) => fill('ab://@', n),
  'ab://x@ab://x@…': (n) => fill('ab://x@', n),
  'password="…(unclosed)': (n) => `password="${fill('a', n - 10)}`,
  'token=bearer …': (n) => fill('token=bearer ', n),
  'k"  :  k"  :…': (n) => fill('k"  :  ', n),
  'a@b.a@b.…': (n) => fill('a@b.', n),
  'a%40b.…': (n) => fill('a%40b.', n),
  'local.part…@x.io': (n) => `${fill('a.b.', n - 5)}@x.io`,
  'card-like digits': (n) => fill('4111 1111 1111 1111 1', n),
  '+1 2 3 4 …': (n) => fill('+1 2 3 4 ', n),
  'eyJaaaaaaa.…': (n) => fill('eyJaaaaaaa.', n),
  'Bearer Bearer …': (n) => fill('Bearer ', n),
  'AKIA…': (n) => fill('AKIAAAAAAAAAAAAAAAAAA', n),
}

/**
 * Custom value patterns (`redact.patterns`) of the second table: a literal prefix, letters and digits with
 * variable counts, a case-insensitive one, and the costliest shape the pattern language allows (the widest
 * alphabet at the longest match, failing on its last atom).
 */
const CUSTOM = compileValuePatterns([
  { name: 'customer_id', pattern: 'CUST-\\d{6}' },
  { name: 'employee', pattern: '[A-Z]{2,3}\\d{5,8}' },
  { name: 'order', pattern: 'ord_[a-z0-9]{8}', ignoreCase: true },
  { name: 'widest', pattern: '[a-z0-9_./:-]{4,64}Z{1,64}' },
])
if (CUSTOM.problems.length > 0) throw new Error(JSON.stringify(CUSTOM.problems))

/** Shapes aimed at the custom patterns: near misses, runs at the longest length, a match every few characters. */
const CUSTOM_SHAPES: Record<string, (size: number) => string> = {
  'CUST-CUST-…': (n) => fill('CUST-', n),
  'CUST-12345 (one digit short)': (n) => fill('CUST-12345 ', n),
  'CUST-123456 (a match every 12)': (n) => fill('CUST-123456 ', n),
  'AB1234567 AB… (a match every 10)': (n) => fill('AB1234567 ', n),
  'ABCD12345 (one letter long)': (n) => fill('ABCD12345 ', n),
  'digit run': (n) => fill('1', n),
  'ord_ORD_ord_…': (n) => fill('ord_ORD_', n),
  '128-char run failing last (miss)': (n) => fill(`${'a'.repeat(64)}${'Z'.repeat(63)}a `, n),
  '128-char run (longest match)': (n) => fill(`${'a'.repeat(64)}${'Z'.repeat(64)} `, n),
  'a=a=…': (n) => fill('a=', n),
  'a@b.a@b.…': (n) => fill('a@b.', n),
}

const isSensitiveKey = createKeyMatcher()
const work: ScanWork = { steps: 0 }
const counted = createStringRedactor({ isSensitiveKey, work })
const redactString = createStringRedactor({ isSensitiveKey })
const countedCustom = createStringRedactor({ isSensitiveKey, work, patterns: CUSTOM.patterns })
const redactCustom = createStringRedactor({ isSensitiveKey, patterns: CUSTOM.patterns })

function stepsPerChar(text: string, redact = counted): number {
  work.steps = 0
  redact(text)
  return work.steps / text.length
}

// fast-check proposes repeated units over the characters the patterns react to; the ones that make the scanners
// do the most work per character join the table.
const ALPHABET = [
  'a',
  'x',
  '=',
  ':',
  '"',
  "'",
  ' ',
  '@',
  '/',
  '.',
  '%40',
  '://',
  'token',
  'bearer ',
  '1',
  '-',
]
const found = fc
  .sample(
    fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')),
    { numRuns: 400, seed: 22 },
  )
  .map((unit) => ({ unit, steps: stepsPerChar(fill(unit, 4096)) }))
  .sort((a, b) => b.steps - a.steps)
const seen = new Set<string>()
for (const { unit } of found) {
  if (seen.size >= 4) break
  if (seen.has(unit)) continue
  seen.add(unit)
  SHAPES[`fast-check ${JSON.stringify(unit)}`] = (n) => fill(unit, n)
}

// CPU time of this process (not wall time): other processes on a shared machine stretch wall time unevenly.
function timePerCall(text: string, iterations: number, redact = redactString): number {
  let sink = 0
  const t0 = process.cpuUsage()
  for (let i = 0; i < iterations; i++) sink += redact(text).length
  const used = process.cpuUsage(t0)
  if (sink === -1) console.log(sink)
  return ((used.user + used.system) * 1000) / iterations
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

let over = 0

function table(
  title: string,
  shapes: Record<string, (size: number) => string>,
  redact: (text: string) => string,
  countedRedact: (text: string) => string,
): void {
  console.log(`\n## ${title}`)
  for (const size of SIZES) {
    const benign = fill(BENIGN_UNIT, size)
    const iterations = Math.max(40, Math.round(4_000_000 / size))
    for (let i = 0; i < 3; i++) timePerCall(benign, iterations, redact)
    const benignSteps = stepsPerChar(benign, countedRedact)
    const benignUs = timePerCall(benign, iterations, redact) / (size / 1024) / 1000
    console.log(`\n${size} chars; benign: ${benignUs.toFixed(2)} µs/KB, ${benignSteps.toFixed(2)} steps/char`)
    console.log(
      `${'shape'.padEnd(34)} ${'µs/KB'.padStart(8)} ${'ratio'.padStart(6)} ${'steps/char'.padStart(10)}`,
    )
    for (const [name, make] of Object.entries(shapes)) {
      if (only !== undefined && !name.includes(only)) continue
      const text = make(size)
      for (let i = 0; i < 3; i++) timePerCall(text, iterations, redact)
      const ratios: number[] = []
      const perKb: number[] = []
      for (let r = 0; r < ROUNDS; r++) {
        const b = timePerCall(benign, iterations, redact)
        const a = timePerCall(text, iterations, redact)
        ratios.push(a / b)
        perKb.push(a / (text.length / 1024) / 1000)
      }
      const ratio = median(ratios)
      if (ratio > BUDGET) over++
      console.log(
        `${name.padEnd(34)} ${median(perKb).toFixed(2).padStart(8)} ${ratio.toFixed(2).padStart(6)} ${stepsPerChar(
          text,
          countedRedact,
        )
          .toFixed(2)
          .padStart(10)}${ratio > BUDGET ? '  OVER BUDGET' : ''}`,
      )
    }
  }
}

console.log(
  `redaction cost of adversarial shapes vs benign text of the same size (budget ≤ ${BUDGET}x per KB)`,
)
if (!process.argv.includes('--custom-only')) table('built-in patterns', SHAPES, redactString, counted)
table(
  `with ${CUSTOM.patterns.length} custom patterns (redact.patterns)`,
  CUSTOM_SHAPES,
  redactCustom,
  countedCustom,
)
console.log(over === 0 ? '\nall shapes within budget' : `\n${over} shape(s) over budget`)
process.exitCode = over === 0 ? 0 : 1
