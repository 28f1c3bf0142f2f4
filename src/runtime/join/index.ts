export {
  JOIN_TABLE_STORE,
  StreamTableJoin,
  type StreamTableJoinSpec,
  streamTableJoinStores,
} from './stream-table-join.js';
