import { randomBytes } from 'node:crypto'
import { PYROSCOPE_FORM_FIELD, PYROSCOPE_FORM_FILENAME } from './conventions.ts'

/** A multipart/form-data body and its content type. */
export interface MultipartBody {
  readonly body: Buffer
  readonly contentType: string
}

/**
 * Wraps a (gzipped) pprof profile the way Pyroscope's `/ingest` reads it: a `multipart/form-data` body with one
 * file part named `profile` (`profile.pprof`), the shape its Go and Node.js SDKs send. (With `format=pprof` in the
 * query Pyroscope instead reads the whole body as a raw pprof, so the two are never combined.) Pure apart from
 * the random boundary, which can be passed in.
 *
 * @example
 * const { body, contentType } = pyroscopeMultipart(gzippedPprof)
 * await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType } })
 */
export function pyroscopeMultipart(
  profile: Uint8Array,
  boundary = `lookout-${randomBytes(12).toString('hex')}`,
): MultipartBody {
  const head = Buffer.from(
    `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="${PYROSCOPE_FORM_FIELD}"; filename="${PYROSCOPE_FORM_FILENAME}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  return {
    body: Buffer.concat([head, profile, tail]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  }
}
