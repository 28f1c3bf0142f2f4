// The contract a connector package implements. Besides config/'s declaration model (re-exported
// here) it depends on nothing else of Sluice, so a connector written against it runs on any worker.
export * from './config-def.js';
export type {
  ConnectLogger,
  Connector,
  ConnectorContext,
  ErrantRecordReporter,
  OffsetStorageReader,
  SinkConnector,
  SinkConnectorContext,
  SinkTask,
  SinkTaskContext,
  SourceConnector,
  SourceConnectorContext,
  SourceTask,
  SourceTaskContext,
} from './connector.js';
export type { ConnectorPlugin, Converter, Predicate, SchemaAndValue, Transformation } from './plugins.js';
export {
  type ConnectHeader,
  type ConnectRecord,
  type SinkRecord,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  sourceRecord,
  type TopicPartition,
} from './records.js';
export {
  arraySchema,
  bytesToUnscaled,
  type ConnectValue,
  DataException,
  dateSchema,
  decimalSchema,
  type Field,
  LOGICAL,
  mapSchema,
  RetriableException,
  type Schema,
  Schemas,
  type SchemaType,
  Struct,
  structSchema,
  timeSchema,
  timestampSchema,
  unscaledToBytes,
} from './schema.js';
