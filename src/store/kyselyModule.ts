import { lazyRequire } from '../util/lazyRequire.ts'

/**
 * Kysely, loaded when a store opens rather than when Lookout is imported: processes without the ops store never
 * load it. Every store module takes `sql`, `Kysely` and the dialects from here, so they share one instance.
 *
 * @example
 * const { sql } = kysely()
 */
export const kysely = lazyRequire<typeof import('kysely')>('kysely')
