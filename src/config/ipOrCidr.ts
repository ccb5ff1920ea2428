import { z } from 'zod'
import { ipEntryProblem } from '../http/cidr.ts'

/**
 * One IP address or CIDR (IPv4 or IPv6) in an allow-list or trusted-proxy list; anything else (host names,
 * keywords, prefixes past /32 or /128) fails start-up naming the entry, instead of matching nothing.
 *
 * @example
 * z.array(ipOrCidr).parse(['10.0.0.0/8', '::1'])
 */
export const ipOrCidr = z.string().superRefine((entry, ctx) => {
  const problem = ipEntryProblem(entry)
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem })
})
