import type { ZodType, ZodTypeDef } from 'zod'
import { problem } from './opsResponses.ts'
import type { OpsRequest, OpsResponse } from './opsRoute.ts'

/** Result of {@link parseJsonBody}: the validated value, or the 4xx response to send. */
export type ParsedBody<T> = { ok: true; value: T } | { ok: false; response: OpsResponse }

/**
 * Reads a JSON body and validates it: 415 unless the content type is JSON (or one of `allowTypes`), 400 for
 * malformed JSON, 422 listing each schema problem with its path.
 *
 * @example
 * const parsed = parseJsonBody(req, fireSchema)
 * if (!parsed.ok) return parsed.response
 */
export function parseJsonBody<T>(
  req: OpsRequest,
  schema: ZodType<T, ZodTypeDef, unknown>,
  allowTypes: readonly string[] = ['application/json'],
): ParsedBody<T> {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase()
  if (!allowTypes.includes(type)) {
    return {
      ok: false,
      response: problem(415, 'unsupported_media_type', `expected content-type ${allowTypes.join(' or ')}`),
    }
  }
  if (req.body === undefined || req.body.length === 0) {
    return { ok: false, response: problem(400, 'empty_body', 'a JSON body is required') }
  }
  let raw: unknown
  try {
    raw = JSON.parse(req.body.toString('utf8'))
  } catch {
    return { ok: false, response: problem(400, 'invalid_json', 'the body is not valid JSON') }
  }
  const result = schema.safeParse(raw)
  if (!result.success) {
    const details = result.error.issues
      .slice(0, 20)
      .map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }))
    return {
      ok: false,
      response: problem(422, 'invalid_body', 'the body does not match the expected schema', details),
    }
  }
  return { ok: true, value: result.data }
}
