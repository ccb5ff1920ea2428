import { resolve } from 'node:path'
import { storeUrlInvalidError } from '../errors.ts'
import type { StoreEngine } from './migrations.ts'

/** Where the store lives, decided from `store.path` / `store.url`. */
export type StoreTarget =
  | { readonly engine: 'sqlite'; readonly path: string }
  | { readonly engine: 'postgres'; readonly connectionString: string }

/**
 * Turns `store.url` into a target. Unset → SQLite in memory (nothing written); `sqlite:<path>` (relative to `cwd`,
 * or `sqlite::memory:`); `postgres://…` / `postgresql://…`. Throws `LOOKOUT_ERR_STORE_URL` otherwise.
 *
 * @example
 * parseStoreUrl(undefined, '/srv/app')         // { engine: 'sqlite', path: ':memory:' }
 * parseStoreUrl('sqlite:data/ops.db', '/srv')  // { engine: 'sqlite', path: '/srv/data/ops.db' }
 * parseStoreUrl('postgres://u:p@db/lookout')   // { engine: 'postgres', connectionString: 'postgres://u:p@db/lookout' }
 */
export function parseStoreUrl(url: string | undefined, cwd: string = process.cwd()): StoreTarget {
  if (url === undefined || url === '') return { engine: 'sqlite', path: ':memory:' }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return { engine: 'postgres', connectionString: url }
  }
  if (url.startsWith('sqlite:')) {
    let path = url.slice('sqlite:'.length)
    if (path.startsWith('//')) path = path.slice(2)
    if (path === '')
      throw storeUrlInvalidError('sqlite: needs a file path (e.g. sqlite:/var/lib/app/lookout.db)')
    return { engine: 'sqlite', path: path === ':memory:' ? ':memory:' : resolve(cwd, path) }
  }
  throw storeUrlInvalidError('expected sqlite:<path> or postgres://…')
}

/** The engine a URL selects. */
export function storeEngineOf(url: string | undefined): StoreEngine {
  return parseStoreUrl(url, '/').engine
}
