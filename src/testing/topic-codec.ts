// Test records ⇄ topic bytes, with the key and value formats of the stream or table over the topic.
// As in ksqlDB's test runner: JSON is written as given (so a malformed record reaches the query and
// its processing log), DELIMITED is plain text both ways, KAFKA is its binary form of the column type,
// AVRO is given as JSON and written with the source's registered schema.
import {
  type Column,
  type DataSource,
  deserializeSessionWindowedKey,
  deserializeTimeWindowedKey,
  serializeSessionWindowedKey,
  serializeTimeWindowedKey,
} from '../engine/index.js';
import {
  type FormatOptions,
  formatByName,
  jsonFormat,
  type RowDeserializer,
  type SchemaRegistryClient,
} from '../serde/index.js';
import { formatType, type SqlType, type SqlValue, STRING, type StructValue } from '../types/index.js';
import { isIntegralText, type JsonNode, printJson } from './json-document.js';
import type { RecordWindow } from './test-files.js';

/** A value read back from a topic, with the type that says how to compare and print it. */
export interface TypedValue {
  readonly type: SqlType;
  readonly value: SqlValue;
}

/** A test record that cannot be written with its topic's formats, or bytes that cannot be read. */
export class RecordCodecError extends Error {
  override readonly name = 'RecordCodecError';
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** A JSON value as the SQL value the KAFKA format writes for `type`. */
function kafkaValue(node: JsonNode, type: SqlType): SqlValue {
  if (node.kind === 'null') return null;
  const fail = () =>
    new RecordCodecError(`${printJson(node)} cannot be written as ${formatType(type)} in the KAFKA format.`);
  switch (type.kind) {
    case 'INTEGER': {
      const n = node.kind === 'number' && isIntegralText(node.text) ? Number(node.text) : Number.NaN;
      if (!(n >= INT32_MIN && n <= INT32_MAX)) throw fail();
      return n;
    }
    case 'BIGINT':
      if (node.kind !== 'number' || !isIntegralText(node.text)) throw fail();
      return BigInt(node.text);
    case 'DOUBLE':
      if (node.kind !== 'number') throw fail();
      return Number(node.text);
    case 'STRING':
      if (node.kind !== 'string') throw fail();
      return node.value;
    case 'BYTES':
      if (node.kind !== 'string') throw fail();
      return Buffer.from(node.value, 'base64');
    default:
      throw fail();
  }
}

/** Text written as is; a number or boolean as its JSON text. */
function plainText(node: JsonNode, what: string): Buffer | null {
  switch (node.kind) {
    case 'null':
      return null;
    case 'string':
      return Buffer.from(node.value, 'utf8');
    case 'number':
    case 'boolean':
      return Buffer.from(printJson(node), 'utf8');
    default:
      throw new RecordCodecError(`${what} is given as text, such as "1,alice"; got ${printJson(node)}.`);
  }
}

function structType(columns: readonly Column[]): SqlType {
  return { kind: 'STRUCT', fields: columns.map((c) => ({ name: c.name, type: c.type })) };
}

interface Side {
  readonly format: string;
  readonly columns: readonly Column[];
  /** Whether a JSON row is an object of its columns rather than the single column's bare value. */
  readonly wrapped: boolean;
  readonly options: FormatOptions & { target: 'key' | 'value' };
}

function sideOf(
  source: DataSource,
  target: 'key' | 'value',
  registry: SchemaRegistryClient | undefined,
): Side {
  const columns = source.columns.filter((c) => c.namespace === (target === 'key' ? 'KEY' : 'VALUE'));
  const format = target === 'key' ? source.keyFormat : source.valueFormat;
  const wrapSingle = target === 'value' ? source.serde.wrapSingleValue : undefined;
  const delimiter = target === 'value' ? source.serde.valueDelimiter : source.serde.keyDelimiter;
  const wrapped =
    (format === 'JSON' ||
      format === 'AVRO' ||
      format === 'JSON_SR' ||
      format === 'PROTOBUF' ||
      format === 'PROTOBUF_NOSR') &&
    (columns.length !== 1 || (target === 'value' && wrapSingle !== false));
  const serde = source.serde;
  const schemaId = target === 'key' ? serde.keySchemaId : serde.valueSchemaId;
  const schema = target === 'key' ? serde.keySchema : serde.valueSchema;
  const fullName = target === 'key' ? serde.keySchemaFullName : serde.valueSchemaFullName;
  const nullable = target === 'key' ? serde.keyProtobufNullable : serde.valueProtobufNullable;
  const references = target === 'key' ? serde.keySchemaReferences : serde.valueSchemaReferences;
  return {
    format,
    columns,
    wrapped,
    options: {
      target,
      topic: source.topic,
      ...(wrapSingle === undefined ? {} : { wrapSingleValue: wrapSingle }),
      ...(delimiter === undefined ? {} : { delimiter }),
      ...(registry === undefined ? {} : { schemaRegistry: registry }),
      ...(schemaId === undefined ? {} : { schemaId }),
      ...(schema === undefined ? {} : { schema }),
      ...(fullName === undefined ? {} : { schemaFullName: fullName }),
      ...(nullable === undefined ? {} : { protobufNullable: nullable }),
      ...(references === undefined ? {} : { schemaReferences: references }),
    },
  };
}

/** Reads rows with the format's own deserializer; text formats and key-less records read as text. */
function reader(side: Side): (bytes: Buffer | null) => TypedValue {
  const asText = (bytes: Buffer | null): TypedValue => ({
    type: STRING,
    value: bytes === null ? null : bytes.toString('utf8'),
  });
  if (side.format === 'DELIMITED' || side.format === 'NONE' || side.columns.length === 0) return asText;
  const deserialize: RowDeserializer = formatByName(side.format).createDeserializer(
    side.columns,
    side.options,
  );
  const type = side.wrapped ? structType(side.columns) : side.columns[0].type;
  return (bytes) => {
    let row: SqlValue[] | null;
    try {
      row = deserialize(bytes);
    } catch (err) {
      throw new RecordCodecError(`cannot be read as ${side.format}: ${(err as Error).message}`);
    }
    if (row === null) return { type, value: null };
    if (!side.wrapped) return { type, value: row[0] };
    const struct: Record<string, SqlValue> = {};
    side.columns.forEach((c, i) => {
      struct[c.name] = row[i];
    });
    return { type, value: struct as StructValue };
  };
}

function writer(side: Side, what: string): (node: JsonNode) => Buffer | null {
  switch (side.format) {
    case 'JSON':
      return (node) => (node.kind === 'null' ? null : Buffer.from(printJson(node), 'utf8'));
    case 'AVRO':
    case 'JSON_SR':
    case 'PROTOBUF':
    case 'PROTOBUF_NOSR': {
      // The record as JSON, read into the columns as the JSON format reads it, then written in the format.
      const read = jsonFormat.createDeserializer(side.columns, side.options);
      const serialize = formatByName(side.format).createSerializer(side.columns, side.options);
      return (node) => {
        if (node.kind === 'null' || side.columns.length === 0) return null;
        try {
          return serialize(read(Buffer.from(printJson(node), 'utf8')));
        } catch (err) {
          throw new RecordCodecError(
            `${what} cannot be written as ${side.format}: ${(err as Error).message}`,
          );
        }
      };
    }
    case 'KAFKA': {
      const serialize = formatByName('KAFKA').createSerializer(side.columns, side.options);
      const type = side.columns[0]?.type;
      return (node) => (type === undefined ? null : serialize([kafkaValue(node, type)]));
    }
    default:
      // DELIMITED, and keys of sources without key columns (NONE): the text as given.
      return (node) => plainText(node, what);
  }
}

/** How the records of one topic are written and read: the formats of the source declared over it. */
export class TopicCodec {
  readonly source: DataSource;
  readonly encodeValue: (node: JsonNode) => Buffer | null;
  readonly decodeValue: (bytes: Buffer | null) => TypedValue;
  readonly #encodeKey: (node: JsonNode) => Buffer | null;
  readonly #decodeKey: (bytes: Buffer | null) => TypedValue;

  /** `registry`: where AVRO schemas are (the test engine's own). */
  constructor(source: DataSource, registry?: SchemaRegistryClient) {
    this.source = source;
    const key = sideOf(source, 'key', registry);
    const value = sideOf(source, 'value', registry);
    this.#encodeKey = writer(key, `A ${key.format} key`);
    this.encodeValue = writer(value, `A ${value.format} value`);
    this.#decodeKey = reader(key);
    this.decodeValue = reader(value);
  }

  /** A record's key bytes; a windowed source's keys carry the record's window (Kafka Streams' layout). */
  encodeKey(node: JsonNode, window?: RecordWindow): Buffer | null {
    const inner = this.#encodeKey(node);
    const windowed = this.source.windowInfo;
    if (windowed === undefined) {
      if (window !== undefined)
        throw new RecordCodecError(
          `has a window, but ${this.source.name} is not windowed (declare it WITH (WINDOW_TYPE=…)).`,
        );
      return inner;
    }
    if (window === undefined)
      throw new RecordCodecError(
        `has no window, but ${this.source.name} is windowed (${windowed.type}): give it {"window": {"start", "end", "type"}}.`,
      );
    const bytes = inner ?? Buffer.alloc(0);
    return windowed.type === 'SESSION'
      ? serializeSessionWindowedKey(bytes, window)
      : serializeTimeWindowedKey(bytes, window.start);
  }

  /** A key read back, without its window (see decodeWindow). */
  decodeKey(bytes: Buffer | null): TypedValue {
    return this.#decodeKey(bytes === null ? null : this.#split(bytes).key);
  }

  /** The window a windowed source's key carries; undefined for a source that is not windowed. */
  decodeWindow(bytes: Buffer | null): RecordWindow | undefined {
    if (this.source.windowInfo === undefined || bytes === null) return undefined;
    const { window } = this.#split(bytes);
    return window === undefined
      ? undefined
      : { ...window, type: this.source.windowInfo.type === 'SESSION' ? 'SESSION' : 'TIME' };
  }

  #split(bytes: Buffer): { key: Buffer; window?: { start: number; end: number } } {
    const windowed = this.source.windowInfo;
    if (windowed === undefined) return { key: bytes };
    try {
      return windowed.type === 'SESSION'
        ? deserializeSessionWindowedKey(bytes)
        : deserializeTimeWindowedKey(bytes, windowed.sizeMs ?? 0);
    } catch (err) {
      throw new RecordCodecError((err as Error).message);
    }
  }
}
