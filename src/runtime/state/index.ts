export type { RestoreReport, StateStoresOptions } from './state-stores.js';
export { deleteQueryState, StateStoreError, StateStores } from './state-stores.js';
export { keyOfStoreKey, sessionStoreKey, windowStoreKey } from './store-keys.js';
export { changelogTopicName, DEFAULT_QUERY_NAME_PREFIX, queryApplicationId } from './store-names.js';
export type {
  KeyValueEntry,
  KeyValueStore,
  SessionEntry,
  SessionStore,
  StoreKind,
  StoreSpec,
  ValueCodec,
  WindowEntry,
  WindowStore,
} from './stores.js';
