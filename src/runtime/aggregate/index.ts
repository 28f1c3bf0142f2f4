export {
  AGGREGATE_STORE,
  AggregateOperator,
  type AggregateOperatorSpec,
  aggregateStoreSpecs,
  EMIT_PROGRESS_STORE,
  type OperatorWindow,
} from './aggregate-operator.js';
export {
  AggregateReader,
  type AggregateRow,
  type WindowLimits,
  withinWindowLimits,
} from './aggregate-reader.js';
export { AggregateCalls, type AggregateState, aggregateStateCodec } from './aggregate-state.js';
export type {
  AggregateChange,
  AggregateOutput,
  DroppedRecord,
  GroupedRecord,
  WindowBounds,
} from './grouped-records.js';
export { decodeAccumulator, encodeAccumulator } from './state-codec.js';
export { StreamAggregator } from './stream-aggregator.js';
export { TableAggregator, type TableRowChange } from './table-aggregator.js';
export {
  SessionWindowAggregator,
  type SessionWindowOptions,
  TimeWindowAggregator,
  type TimeWindowOptions,
} from './windowed-aggregator.js';
