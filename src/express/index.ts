export type { ExpressLookoutOptions, LookoutMiddleware } from '../http/adapters/express.ts'
export { lookout } from '../http/adapters/express.ts'
