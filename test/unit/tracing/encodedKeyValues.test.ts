import assert from 'node:assert/strict'
import { test } from 'node:test'
import { EncodedKeyValues } from '../../../src/tracing/encodedKeyValues.ts'

const body = (n: number) => Uint8Array.of(n)

test('a kept pair is found by its key and exact value, and no other', () => {
  const kept = new EncodedKeyValues()
  kept.add('http.response.status_code', 200, body(1))
  kept.add('http.request.method', 'GET', body(2))
  assert.deepEqual(kept.get('http.response.status_code', 200), body(1))
  assert.equal(kept.get('http.response.status_code', '200'), undefined)
  assert.equal(kept.get('http.response.status_code', 201), undefined)
  assert.deepEqual(kept.get('http.request.method', 'GET'), body(2))
  assert.equal(kept.get('http.request.method', 'get'), undefined)
})

test('a key keeps its first values up to the bound, and later ones are not kept', () => {
  const kept = new EncodedKeyValues({ maxValuesPerKey: 2, maxKeys: 2 })
  kept.add('url.path', '/a', body(1))
  kept.add('url.path', '/b', body(2))
  assert.equal(kept.hasRoom('url.path'), false)
  kept.add('url.path', '/c', body(3))
  assert.deepEqual(kept.get('url.path', '/a'), body(1))
  assert.deepEqual(kept.get('url.path', '/b'), body(2))
  assert.equal(kept.get('url.path', '/c'), undefined)
  kept.add('k2', true, body(4))
  assert.equal(kept.hasRoom('k2'), true)
  assert.equal(kept.hasRoom('k3'), false)
  kept.add('k3', true, body(5))
  assert.deepEqual(kept.get('k2', true), body(4))
  assert.equal(kept.get('k3', true), undefined)
})

test('only primitive values, and strings up to the length bound, are of a kind kept', () => {
  const kept = new EncodedKeyValues({ maxStringLength: 4 })
  assert.equal(kept.keeps('abcd'), true)
  assert.equal(kept.keeps('abcde'), false)
  assert.equal(kept.keeps(0.5), true)
  assert.equal(kept.keeps(false), true)
  assert.equal(kept.keeps(['a']), false)
  assert.equal(kept.keeps(null), false)
  assert.equal(kept.keeps(undefined), false)
  assert.equal(kept.keeps(Uint8Array.of(1)), false)
})
