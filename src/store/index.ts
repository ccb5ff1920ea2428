export type { CreateStoreOptions, Store, StoreRepositories } from './createStore.ts'
export { createStore } from './createStore.ts'
export type { StoreEngine } from './migrations.ts'
export { pruneHistory } from './retentionJob.ts'
