import assert from 'node:assert/strict'
import { test } from 'node:test'
import { resolveConfig } from '../../../src/config/resolveConfig.ts'
import { createLogger } from '../../../src/logging/createLogger.ts'
import { createRedactor } from '../../../src/redact/index.ts'
import { captureStream } from './captureStream.ts'

const SECRET = 'jane@example.com'

function logger() {
  const out = captureStream()
  return { log: createLogger(resolveConfig({ redact: { maxStringLength: 4096 } }, {}), out), out }
}

const inputs: [string, () => unknown][] = [
  [
    'a cyclic object',
    () => {
      const a: Record<string, unknown> = { email: SECRET }
      a.self = a
      a.list = [a, { back: a }]
      return a
    },
  ],
  [
    'a 10 MB string with the secret at both ends',
    () => ({ big: `${SECRET} ${'x'.repeat(10 * 1024 * 1024)} ${SECRET}` }),
  ],
  ['a 10 MB string of one token', () => ({ big: 'a'.repeat(10 * 1024 * 1024) + SECRET })],
  [
    'a Map with object and number keys',
    () => ({
      m: new Map<unknown, unknown>([
        [{ k: 1 }, SECRET],
        [7, SECRET],
        ['token', 'x'],
      ]),
    }),
  ],
  ['numeric and symbol keys', () => ({ 1: SECRET, [Symbol('s')]: SECRET, [Symbol.for('password')]: 'x' })],
  ['a Symbol value', () => ({ s: Symbol(SECRET) })],
  [
    'a throwing getter',
    () => ({
      get boom(): string {
        throw new Error(`getter failed for ${SECRET}`)
      },
      email: SECRET,
    }),
  ],
  [
    'a Proxy that throws on every trap',
    () => ({
      p: new Proxy(
        {},
        {
          ownKeys() {
            throw new Error(SECRET)
          },
          get() {
            throw new Error(SECRET)
          },
          getPrototypeOf() {
            throw new Error(SECRET)
          },
        },
      ),
    }),
  ],
  [
    'a toJSON that throws',
    () => ({
      t: {
        toJSON: () => {
          throw new Error(SECRET)
        },
      },
    }),
  ],
  [
    'a class instance with a toJSON returning a secret',
    () => ({
      t: new (class {
        toJSON() {
          return { email: SECRET }
        }
      })(),
    }),
  ],
  ['a Buffer holding the secret', () => ({ b: Buffer.from(SECRET), u: new Uint8Array(8) })],
  [
    'a BigInt and non-finite numbers',
    () => ({ n: 10n ** 30n, inf: Number.POSITIVE_INFINITY, nan: Number.NaN, e: SECRET }),
  ],
  ['an Error whose cause holds the secret', () => new Error('outer', { cause: new Error(SECRET) })],
  [
    'deep nesting',
    () => {
      let o: Record<string, unknown> = { email: SECRET }
      for (let i = 0; i < 1000; i++) o = { o }
      return o
    },
  ],
  ['a huge array', () => ({ a: Array.from({ length: 100_000 }, () => SECRET) })],
  ['a function', () => ({ f: function secretFn() {}, email: SECRET })],
  ['a null-prototype object', () => Object.assign(Object.create(null), { email: SECRET })],
]

for (const [name, make] of inputs) {
  test(`logging ${name} does not throw and does not leak`, () => {
    const { log, out } = logger()
    assert.doesNotThrow(() => log.info(make() as object, 'bad input'))
    assert.equal(out.raw.length, 1)
    assert.ok(!out.raw[0]!.includes(SECRET), out.raw[0]!.slice(0, 300))
  })
  test(`redact(${name}) does not throw and does not leak`, () => {
    const r = createRedactor({ maxStringLength: 4096 })
    let result: unknown
    assert.doesNotThrow(() => {
      result = r.redact(make())
    })
    assert.doesNotThrow(() => JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? String(v) : v)))
    const text = JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) ?? ''
    assert.ok(!text.includes(SECRET), text.slice(0, 300))
  })
}

test('a string cut at the length limit does not keep half a card number', () => {
  const r = createRedactor({ maxStringLength: 100 })
  const out = r.redactString(`${'word '.repeat(19)}4111111111111111`)
  assert.ok(!out.includes('4111'), out)
  assert.match(out, /TRUNCATED/)
})
