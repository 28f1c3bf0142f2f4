import { type Log, LogError } from '../log/index.js';
import { resolveType } from '../planner/index.js';
import { parseWindowSize, WindowSpecError } from '../runtime/index.js';
import type { SchemaRegistryClient } from '../serde/index.js';
import type { CreateSource, TableElement } from '../sql/index.js';
import { formatType } from '../types/index.js';
import type { Column, DataSource, SerdeOptions, SourceWindow } from './data-source.js';
import { StatementError } from './errors.js';
import type { MetaStore } from './metastore.js';
import { registerSourceSchemas } from './registry-schemas.js';
import { checkSourceSerde, type SourceSerdeChoice } from './source-formats.js';
import { readSourceProperties, type SourceProperties } from './with-clause.js';

export const PSEUDO_COLUMNS = new Set(['ROWTIME', 'ROWPARTITION', 'ROWOFFSET', 'WINDOWSTART', 'WINDOWEND']);

const FORMATS = new Set([
  'KAFKA',
  'JSON',
  'DELIMITED',
  'AVRO',
  'JSON_SR',
  'PROTOBUF',
  'PROTOBUF_NOSR',
  'NONE',
]);

export function checkFormat(format: string, side: 'key' | 'value'): void {
  if (!FORMATS.has(format)) {
    throw new StatementError(
      `Unknown format: ${format}. Use one of KAFKA, JSON, DELIMITED, AVRO, JSON_SR, PROTOBUF, PROTOBUF_NOSR${side === 'key' ? ', NONE' : ''}.`,
    );
  }
  if (format === 'NONE' && side === 'value') throw new StatementError('The NONE format is only for keys.');
}

export interface FormatDefaults {
  readonly keyFormat: string;
  readonly valueFormat: string | undefined;
  /** `ksql.persistence.wrap.single.values`; undefined leaves each format its own default. */
  readonly wrapSingleValues: boolean | undefined;
}

/** Checks a column list the way ksqlDB does and turns it into resolved columns. */
function toColumns(statement: CreateSource, store: MetaStore): Column[] {
  const kind = statement.sourceType;
  const seen = new Set<string>();
  return statement.elements.map((e: TableElement) => {
    if (PSEUDO_COLUMNS.has(e.name)) {
      throw new StatementError(
        `'${e.name}' is a reserved column name. You cannot use it as a name for a column.`,
      );
    }
    if (seen.has(e.name)) throw new StatementError(`Duplicate column names: ${e.name}`);
    seen.add(e.name);
    let type: Column['type'];
    try {
      type = resolveType(e.type, store.types);
    } catch (err) {
      throw new StatementError((err as Error).message);
    }
    const c = e.constraint;
    if (c?.kind === 'primaryKey' && kind === 'STREAM') {
      throw new StatementError(
        `Column \`${e.name}\` is a 'PRIMARY KEY' column: please use 'KEY' for streams.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.`,
      );
    }
    if (c?.kind === 'key' && kind === 'TABLE') {
      throw new StatementError(
        `Column \`${e.name}\` is a 'KEY' column: please use 'PRIMARY KEY' for tables.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.`,
      );
    }
    if (c?.kind === 'headers' && formatType(type) !== 'ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>>') {
      throw new StatementError(
        `Invalid type for HEADERS column ${e.name}: expected ARRAY<STRUCT<\`KEY\` STRING, \`VALUE\` BYTES>>, got ${formatType(type)}.`,
      );
    }
    if (c?.kind === 'header' && type.kind !== 'BYTES') {
      throw new StatementError(
        `Invalid type for HEADER('${c.key}') column ${e.name}: expected BYTES, got ${formatType(type)}.`,
      );
    }
    const namespace =
      c?.kind === 'key' || c?.kind === 'primaryKey'
        ? 'KEY'
        : c?.kind === 'headers' || c?.kind === 'header'
          ? 'HEADERS'
          : 'VALUE';
    return { name: e.name, type, namespace, ...(c?.kind === 'header' ? { headerKey: c.key } : {}) };
  });
}

/** Formats and key/value rules that hold for every source, created by DDL or by a query. */
export function checkSourceShape(
  kind: 'STREAM' | 'TABLE',
  columns: readonly Column[],
  props: SourceProperties,
  defaults: FormatDefaults,
): SourceSerdeChoice {
  const keyColumns = columns.filter((c) => c.namespace === 'KEY');
  const valueFormat = props.valueFormat ?? defaults.valueFormat;
  if (valueFormat === undefined) {
    throw new StatementError(
      "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the 'ksql.persistence.default.format.value' config.",
    );
  }
  let keyFormat = props.keyFormat ?? defaults.keyFormat;
  if (keyColumns.length === 0 && props.keyFormat === undefined) keyFormat = 'NONE';
  checkFormat(keyFormat, 'key');
  checkFormat(valueFormat, 'value');
  if (kind === 'TABLE' && keyColumns.length === 0) {
    throw new StatementError('Tables require a PRIMARY KEY. Please define the PRIMARY KEY.');
  }
  if (keyFormat === 'NONE' && keyColumns.length > 0) {
    throw new StatementError(
      "The 'NONE' format can only be used when no columns are defined. Got: KEY columns.",
    );
  }
  const serde = checkSourceSerde(columns, {
    keyFormat,
    valueFormat,
    wrapSingleValue: props.wrapSingleValue,
    defaultWrapSingleValues: defaults.wrapSingleValues,
    valueDelimiter: props.valueDelimiter,
    keyDelimiter: props.keyDelimiter,
  });
  if (columns.length === 0) throw new StatementError('No columns supplied.');
  if (props.timestamp !== undefined) {
    const ts = columns.find((c) => c.name === props.timestamp);
    if (ts === undefined) {
      throw new StatementError(
        `The TIMESTAMP column set in the WITH clause does not exist in the schema: '${props.timestamp}'`,
      );
    }
    const ok =
      ts.type.kind === 'BIGINT' ||
      ts.type.kind === 'TIMESTAMP' ||
      (ts.type.kind === 'STRING' && props.timestampFormat !== undefined);
    if (!ok) {
      throw new StatementError(
        `Timestamp column, \`${ts.name}\`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.`,
      );
    }
  }
  return serde;
}

/** Makes sure the topic exists with the partitions asked for, creating it when PARTITIONS is given. */
export async function ensureTopic(
  log: Log,
  name: string,
  props: SourceProperties,
  kind: string,
  statement: string,
): Promise<number> {
  const existing = async () => {
    const d = await log.describeTopic(name);
    if (props.partitions !== undefined && props.partitions !== d.partitions.length) {
      throw new StatementError(
        `A Kafka topic with the name '${name}' already exists, with different partition/replica configuration than required. KSQL expects ${props.partitions} partitions (topic has ${d.partitions.length}).`,
      );
    }
    return d.partitions.length;
  };
  if (await log.hasTopic(name)) return existing();
  if (props.partitions === undefined) {
    throw new StatementError(
      `Topic '${name}' does not exist. If you want to create a new topic for the ${kind.toLowerCase()} please re-run the statement providing the required 'PARTITIONS' configuration in the WITH clause (and optionally 'REPLICAS'). For example: ${statement.replace(/;?\s*$/, '')} ... WITH (KAFKA_TOPIC='${name}', PARTITIONS=1, ...);`,
    );
  }
  try {
    await log.createTopic(name, {
      partitions: props.partitions,
      ...(props.replicas === undefined ? {} : { replicas: props.replicas }),
      config: props.retentionMs === undefined ? {} : { 'retention.ms': String(props.retentionMs) },
    });
  } catch (err) {
    // Created meanwhile by someone else (a connector's dead-letter queue, another server): as if it had been there.
    if (err instanceof LogError && err.code === 'TOPIC_EXISTS') return existing();
    throw err;
  }
  return props.partitions;
}

/** WINDOW_TYPE and WINDOW_SIZE: a source whose keys are windowed, checked as ksqlDB checks them. */
function sourceWindow(props: SourceProperties): SourceWindow | undefined {
  const type = props.windowType;
  if (type === undefined) {
    if (props.windowSize !== undefined)
      throw new StatementError(
        "'WINDOW_SIZE' is only valid with 'WINDOW_TYPE': set WINDOW_TYPE to TUMBLING or HOPPING, or remove WINDOW_SIZE.",
      );
    return undefined;
  }
  if (type !== 'TUMBLING' && type !== 'HOPPING' && type !== 'SESSION')
    throw new StatementError(
      `Invalid value for WINDOW_TYPE: '${type}'. Expected one of SESSION, HOPPING, TUMBLING.`,
    );
  if (type === 'SESSION') {
    if (props.windowSize !== undefined)
      throw new StatementError("'WINDOW_SIZE' should not be set for SESSION windows.");
    return { type };
  }
  if (props.windowSize === undefined)
    throw new StatementError('Tumbling and Hopping window types should set WINDOW_SIZE in the WITH clause.');
  try {
    return { type, sizeMs: parseWindowSize(props.windowSize) };
  } catch (err) {
    if (err instanceof WindowSpecError) throw new StatementError(err.message);
    throw err;
  }
}

/** CREATE [OR REPLACE] [SOURCE] STREAM|TABLE (…) WITH (…): the source it defines. */
export async function createSource(
  statement: CreateSource,
  text: string,
  store: MetaStore,
  log: Log,
  defaults: FormatDefaults,
  registry: SchemaRegistryClient | undefined,
): Promise<DataSource> {
  const props = readSourceProperties(statement.properties);
  const columns = toColumns(statement, store);
  const shape = checkSourceShape(statement.sourceType, columns, props, defaults);
  if (props.kafkaTopic === undefined) {
    throw new StatementError('Missing required property "KAFKA_TOPIC" which has no default value.');
  }
  const window = sourceWindow(props);
  await ensureTopic(log, props.kafkaTopic, props, statement.sourceType, text);
  const schemas = await registerSourceSchemas(
    {
      name: statement.name,
      topic: props.kafkaTopic,
      columns,
      keyFormat: shape.keyFormat,
      valueFormat: shape.valueFormat,
      wrapSingleValue: shape.wrapSingleValue,
      props,
      always: false,
    },
    registry,
  );
  return {
    kind: statement.sourceType,
    name: statement.name,
    columns,
    topic: props.kafkaTopic,
    keyFormat: shape.keyFormat,
    valueFormat: shape.valueFormat,
    serde: serdeOptions(shape, schemas),
    ...(props.timestamp === undefined ? {} : { timestampColumn: props.timestamp }),
    ...(props.timestampFormat === undefined ? {} : { timestampFormat: props.timestampFormat }),
    ...(window === undefined ? {} : { windowInfo: window }),
    readOnly: statement.readOnly,
    statement: text,
  };
}

/** The serde options a source keeps, without the ones left at their defaults. */
export function serdeOptions(shape: SourceSerdeChoice, schemas: SerdeOptions = {}): SerdeOptions {
  return {
    ...schemas,
    ...(shape.wrapSingleValue === undefined ? {} : { wrapSingleValue: shape.wrapSingleValue }),
    ...(shape.valueDelimiter === undefined ? {} : { valueDelimiter: shape.valueDelimiter }),
    ...(shape.keyDelimiter === undefined ? {} : { keyDelimiter: shape.keyDelimiter }),
  };
}
