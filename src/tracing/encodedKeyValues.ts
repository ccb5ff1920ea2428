import { detachedCopy } from '../util/detachedCopy.ts'

/** A primitive attribute value, the only kind whose encoding is kept. */
export type PrimitiveAttributeValue = string | number | boolean

/** Options of {@link EncodedKeyValues}. */
export interface EncodedKeyValuesOptions {
  /** Attribute keys kept. Default 256. */
  readonly maxKeys?: number
  /** Values kept per key; once a key has this many, its other values are encoded each time. Default 64. */
  readonly maxValuesPerKey?: number
  /** Longest string value kept, in UTF-16 units. Default 96. */
  readonly maxStringLength?: number
}

/**
 * The encoded bodies of OTLP `KeyValue` messages already written, by key and primitive value, so an attribute a
 * span repeats (`http.request.method: GET`, `http.route`, `server.address`, `http.response.status_code: 200`) is
 * copied instead of encoded again. Bounded: at most `maxKeys` keys and `maxValuesPerKey` values each, kept in the
 * order first seen (a key with many distinct values, such as `url.path`, stops adding and costs one lookup);
 * long strings and non-primitive values are never kept.
 *
 * @example
 * const kept = new EncodedKeyValues()
 * kept.get('http.request.method', 'GET') // undefined, then the bytes once `add` has kept them
 */
export class EncodedKeyValues {
  private readonly byKey = new Map<string, Map<PrimitiveAttributeValue, Uint8Array>>()
  private readonly maxKeys: number
  private readonly maxValuesPerKey: number
  private readonly maxStringLength: number

  constructor(options: EncodedKeyValuesOptions = {}) {
    this.maxKeys = options.maxKeys ?? 256
    this.maxValuesPerKey = options.maxValuesPerKey ?? 64
    this.maxStringLength = options.maxStringLength ?? 96
  }

  /** Whether `value` is of a kind this cache keeps: a number, a boolean, or a string up to the length bound. */
  keeps(value: unknown): boolean {
    const type = typeof value
    return (
      (type === 'string' && (value as string).length <= this.maxStringLength) ||
      type === 'number' ||
      type === 'boolean'
    )
  }

  /** The body kept for `key` = `value`, if any. */
  get(key: string, value: PrimitiveAttributeValue): Uint8Array | undefined {
    return this.byKey.get(key)?.get(value)
  }

  /** Whether {@link add} would keep another value of `key`. */
  hasRoom(key: string): boolean {
    const values = this.byKey.get(key)
    return values === undefined ? this.byKey.size < this.maxKeys : values.size < this.maxValuesPerKey
  }

  /** Keeps `body` for `key` = `value` unless a bound is reached. */
  add(key: string, value: PrimitiveAttributeValue, body: Uint8Array): void {
    let values = this.byKey.get(key)
    if (values === undefined) {
      if (this.byKey.size >= this.maxKeys) return
      values = new Map()
      this.byKey.set(key, values)
    }
    // A string value may be cut from a request (`url.path`): keep a copy, not the request line it was cut from.
    if (values.size < this.maxValuesPerKey)
      values.set(typeof value === 'string' ? detachedCopy(value) : value, body)
  }
}
