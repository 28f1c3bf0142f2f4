export {
  AggregateOperator,
  type AggregateOperatorSpec,
  AggregateReader,
  type AggregateRow,
  aggregateStoreSpecs,
  type OperatorWindow,
  type WindowLimits,
} from './aggregate/index.js';
export {
  ForeignKeyJoin,
  type ForeignKeyJoinSpec,
  foreignKeyJoinStores,
  JOIN_TABLE_STORE,
  StreamStreamJoin,
  type StreamStreamJoinSpec,
  type StreamStreamJoinStores,
  StreamTableJoin,
  type StreamTableJoinSpec,
  streamStreamJoinStores,
  streamTableJoinStores,
  TableTableJoin,
  type TableTableJoinSpec,
  tableTableJoinStores,
} from './join/index.js';
export {
  FilterOperator,
  type FilterSpec,
  type Operator,
  type OperatorContext,
  ProjectOperator,
  type ProjectSpec,
  type RowBatch,
  type RowSteps,
  rowStepsOf,
  SourceOperator,
  Topology,
  type TopologyInput,
} from './operators.js';
export {
  nextBackoff,
  PersistentQuery,
  type PersistentQuerySpec,
  type QueryError,
  type QueryState,
  type RetryPolicy,
} from './persistent-query.js';
export { ProcessingLog } from './processing-log.js';
export { type PushQuerySpec, runPushQuery } from './push-query.js';
export type { RuntimeSource } from './runtime-source.js';
export { type SinkColumn, SinkEncoder, type SinkFormats } from './sink-encoder.js';
export { ClientSink, type PushBatch, type TopicOutput, TopicSink, type TopicSinkSpec } from './sinks.js';
export { DecodeError, SourceDecoder } from './source-decoder.js';
export { deleteQueryState, queryApplicationId, StateStores, type StoreSpec } from './state/index.js';
export { runStreamPull, type StreamPullSpec, streamEndOffsets } from './stream-pull.js';
export { TableFunctionOperator, type TableFunctionSpec } from './table-functions/index.js';
export {
  JoinedTableMaterializer,
  type JoinedTableRow,
  type JoinedTableSpec,
  joinedTableRows,
  joinedTableStoreSpec,
  keyColumnPositions,
  TABLE_SOURCE_STORE,
  TableSourceOperator,
  tableRowCodec,
  tableSourceStoreSpec,
} from './tables/index.js';
export { TimeSlicer } from './time-slicer.js';
export {
  deserializeSessionWindowedKey,
  deserializeTimeWindowedKey,
  durationMs,
  parseWindowSize,
  resolveWindow,
  serializeSessionWindowedKey,
  serializeTimeWindowedKey,
  WindowedKeyError,
  WindowSpecError,
} from './windows/index.js';
