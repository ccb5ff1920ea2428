import type { OpsResponse } from './opsRoute.ts'

/**
 * A JSON error response: `{ error: { code, message, details? } }`. Messages say what is wrong with the input and
 * never contain secrets, stack traces, hosts or internal error text.
 *
 * @example
 * return problem(422, 'invalid_body', 'body does not match the schema', [{ path: 'severity', message: 'expected one of …' }])
 */
export function problem(
  status: number,
  code: string,
  message: string,
  details?: unknown,
  headers?: Readonly<Record<string, string>>,
): OpsResponse {
  return {
    status,
    headers: { 'cache-control': 'no-store', ...headers },
    body: { error: details === undefined ? { code, message } : { code, message, details } },
  }
}

/** A JSON success response. */
export function json(
  status: number,
  body: Record<string, unknown> | readonly unknown[],
  headers?: Readonly<Record<string, string>>,
): OpsResponse {
  return { status, headers: { 'cache-control': 'no-store', ...headers }, body }
}
