// The contract a connector package implements. It depends on nothing else of Sluice, so a
// connector written against it runs on any Sluice worker.
export {
  ConfigDef,
  ConfigException,
  type ConfigKey,
  type ConfigType,
  type ConfigValue,
  type ConfigValueType,
  type Importance,
  type Validator,
  Validators,
  type Width,
} from './config-def.js';
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
} from './schema.js';
