export { ForeignKeyJoin, type ForeignKeyJoinSpec, foreignKeyJoinStores } from './foreign-key-join.js';
export {
  StreamStreamJoin,
  type StreamStreamJoinSpec,
  type StreamStreamJoinStores,
  streamStreamJoinStores,
} from './stream-stream-join.js';
export {
  JOIN_TABLE_STORE,
  StreamTableJoin,
  type StreamTableJoinSpec,
  streamTableJoinStores,
} from './stream-table-join.js';
export { TableTableJoin, type TableTableJoinSpec, tableTableJoinStores } from './table-table-join.js';
