export type { HttpLookoutOptions, LookoutRequestListener } from '../http/adapters/node.ts'
export { withLookout } from '../http/adapters/node.ts'
