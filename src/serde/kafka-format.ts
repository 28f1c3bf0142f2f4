// ksqlDB's KAFKA format: one primitive column written with Kafka's standard serializers
// (IntegerSerializer, LongSerializer, DoubleSerializer, StringSerializer, raw bytes). No coercion.
import { formatType, type SqlType, type SqlValue } from '../types/index.js';
import type { Format, FormatOptions, RowDeserializer, RowSerializer, SerdeColumn } from './format.js';
import { excerptBytes, FormatSchemaError, SerdeError } from './serde-error.js';

type Encoder = (value: SqlValue) => Buffer;
type Decoder = (bytes: Uint8Array) => SqlValue;

const utf8 = new TextDecoder('utf-8');

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// `deserializer` names Kafka's class in its size error, as Kafka words it (DoubleDeserializer says
// just "Deserializer").
const codecs: Partial<
  Record<SqlType['kind'], { size?: number; deserializer?: string; encode: Encoder; decode: Decoder }>
> = {
  INTEGER: {
    size: 4,
    deserializer: 'IntegerDeserializer',
    encode: (v) => {
      const b = Buffer.allocUnsafe(4);
      b.writeInt32BE(Number(v));
      return b;
    },
    decode: (bytes) => view(bytes).getInt32(0),
  },
  BIGINT: {
    size: 8,
    deserializer: 'LongDeserializer',
    encode: (v) => {
      const b = Buffer.allocUnsafe(8);
      b.writeBigInt64BE(typeof v === 'bigint' ? v : BigInt(v as number));
      return b;
    },
    decode: (bytes) => view(bytes).getBigInt64(0),
  },
  DOUBLE: {
    size: 8,
    deserializer: 'Deserializer',
    encode: (v) => {
      const b = Buffer.allocUnsafe(8);
      b.writeDoubleBE(v as number);
      return b;
    },
    decode: (bytes) => view(bytes).getFloat64(0),
  },
  STRING: {
    encode: (v) => Buffer.from(v as string, 'utf8'),
    // Like Java's StringDeserializer: malformed UTF-8 becomes U+FFFD rather than failing.
    decode: (bytes) => utf8.decode(bytes),
  },
  BYTES: {
    encode: (v) => Buffer.from(v as Uint8Array),
    // A copy: the record's buffer may be reused once the batch is processed.
    decode: (bytes) => new Uint8Array(bytes),
  },
};

function singleColumn(
  columns: readonly SerdeColumn[],
  options: FormatOptions | undefined,
): SerdeColumn | null {
  if (options?.wrapSingleValue === true) {
    throw new FormatSchemaError("Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'.");
  }
  if (columns.length > 1) {
    // ksqlDB lists the columns as its PersistenceSchema prints them.
    const key = options?.target === 'key' ? ' KEY' : '';
    throw new FormatSchemaError(
      `The 'KAFKA' format only supports a single field. Got: [${columns.map((c) => `\`${c.name}\` ${formatType(c.type)}${key}`).join(', ')}]`,
    );
  }
  if (columns.length === 0) return null;
  const column = columns[0];
  if (!codecs[column.type.kind]) {
    throw new FormatSchemaError(`The 'KAFKA' format does not support type '${column.type.kind}'`);
  }
  return column;
}

export const kafkaFormat: Format = {
  name: 'KAFKA',
  supportsKey: true,
  supportsValue: true,

  createSerializer(columns, options): RowSerializer {
    const column = singleColumn(columns, options);
    if (column === null) return () => null;
    const encode = codecs[column.type.kind]!.encode;
    return (row) => {
      if (row === null) return null;
      const value = row[0];
      return value === null ? null : encode(value);
    };
  },

  createDeserializer(columns, options): RowDeserializer {
    const column = singleColumn(columns, options);
    if (column === null) return (bytes) => (bytes === null ? null : []);
    const { size, deserializer, decode } = codecs[column.type.kind]!;
    const target = options?.target ?? 'value';
    const expectedType = formatType(column.type);
    return (bytes) => {
      if (bytes === null) return null;
      if (size !== undefined && bytes.length !== size) {
        throw new SerdeError({
          format: 'KAFKA',
          target,
          column: column.name,
          expectedType,
          problem: `Size of data received by ${deserializer} is not ${size} (got ${bytes.length} bytes)`,
          excerpt: excerptBytes(bytes),
        });
      }
      return [decode(bytes)];
    };
  },
};
