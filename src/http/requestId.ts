import { randomUUID } from 'node:crypto'

const SAFE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/

/**
 * The request id to use: the incoming header when it is 1–128 characters of a safe set
 * (`A-Z a-z 0-9 . _ : @ / + = -`), otherwise a new UUID. Multiple header values use none of them.
 *
 * @example
 * resolveRequestId('abc-123') // 'abc-123'
 * resolveRequestId('<script>') // a fresh UUID
 */
export function resolveRequestId(incoming: string | string[] | undefined): string {
  if (typeof incoming === 'string' && SAFE_ID.test(incoming)) return incoming
  return randomUUID()
}
