export {
  nextBackoff,
  PersistentQuery,
  type PersistentQuerySpec,
  type QueryError,
  type QueryState,
  type RetryPolicy,
} from './persistent-query.js';
export { ProcessingLog } from './processing-log.js';
export { type PushBatch, type PushQuerySpec, runPushQuery } from './push-query.js';
export { errorLabel, type RowExpressions } from './row-processor.js';
export type { RuntimeSource } from './runtime-source.js';
export { type SinkColumn, SinkEncoder, type SinkFormats } from './sink-encoder.js';
export { DecodeError, SourceDecoder } from './source-decoder.js';
export { TimeSlicer } from './time-slicer.js';
