import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pyroscopeMultipart } from '../../../src/profiling/pyroscopeMultipart.ts'

test('the body is a multipart form with the profile bytes in a "profile" file part', async () => {
  const bytes = Buffer.from([0x1f, 0x8b, 0, 1, 2, 3, 13, 10, 45, 45, 255])
  const { body, contentType } = pyroscopeMultipart(bytes)
  assert.match(contentType, /^multipart\/form-data; boundary=lookout-[0-9a-f]{24}$/)
  const form = await new Response(body, { headers: { 'content-type': contentType } }).formData()
  const part = form.get('profile')
  assert.ok(part instanceof Blob)
  assert.equal((part as File).name, 'profile.pprof')
  assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes)
  assert.deepEqual([...form.keys()], ['profile'])
})

test('a given boundary is used as is', () => {
  const { body, contentType } = pyroscopeMultipart(Buffer.from('x'), 'b0undary')
  assert.equal(contentType, 'multipart/form-data; boundary=b0undary')
  assert.ok(body.toString().startsWith('--b0undary\r\n'))
  assert.ok(body.toString().endsWith('\r\n--b0undary--\r\n'))
})
