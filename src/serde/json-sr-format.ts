// ksqlDB's JSON_SR format: the JSON format's text behind Confluent's header (magic byte 0, the
// registered JSON schema's 4-byte id). Records are written with one registered schema, ksqlDB's
// JSON schema for the columns; reading needs the header and then reads the JSON by field name.
import type { SqlType } from '../types/index.js';
import type { Format, FormatOptions, RowDeserializer, RowSerializer, SerdeColumn } from './format.js';
import { isWrapped, jsonFormat } from './json-format.js';
import { excerptBytes, SerdeError } from './serde-error.js';

const CONNECT = 'org.apache.kafka.connect.data.';

/** The JSON schema ksqlDB (through Connect's JsonSchemaData) registers for a SQL type, optional as `oneOf` with null. */
function jsonSchemaOf(type: SqlType): Record<string, unknown> {
  switch (type.kind) {
    case 'BOOLEAN':
      return { type: 'boolean' };
    case 'INTEGER':
      return { type: 'integer', 'connect.type': 'int32' };
    case 'BIGINT':
      return { type: 'integer', 'connect.type': 'int64' };
    case 'DOUBLE':
      return { type: 'number', 'connect.type': 'float64' };
    case 'STRING':
      return { type: 'string' };
    case 'BYTES':
      return { type: 'string', 'connect.type': 'bytes' };
    case 'DECIMAL':
      return {
        type: 'number',
        title: `${CONNECT}Decimal`,
        'connect.version': 1,
        'connect.parameters': {
          scale: String(type.scale),
          'connect.decimal.precision': String(type.precision),
        },
      };
    case 'DATE':
      return { type: 'integer', title: `${CONNECT}Date`, 'connect.version': 1, 'connect.type': 'int32' };
    case 'TIME':
      return { type: 'integer', title: `${CONNECT}Time`, 'connect.version': 1, 'connect.type': 'int32' };
    case 'TIMESTAMP':
      return { type: 'integer', title: `${CONNECT}Timestamp`, 'connect.version': 1, 'connect.type': 'int64' };
    case 'ARRAY':
      return { type: 'array', items: optional(type.element) };
    case 'MAP':
      return { type: 'object', additionalProperties: optional(type.value), 'connect.type': 'map' };
    case 'STRUCT':
      return objectOf(type.fields);
  }
}

function optional(type: SqlType): Record<string, unknown> {
  return { oneOf: [{ type: 'null' }, jsonSchemaOf(type)] };
}

function objectOf(fields: readonly { name: string; type: SqlType }[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  fields.forEach((f, i) => {
    properties[f.name] = { ...optional(f.type), 'connect.index': i };
  });
  return { type: 'object', properties };
}

/** The JSON schema records of these columns are written with: the given one, else ksqlDB's for the columns. */
export function jsonSrWriterSchema(
  columns: readonly SerdeColumn[],
  options: FormatOptions | undefined,
): string {
  if (options?.schema !== undefined) return options.schema;
  return JSON.stringify(isWrapped(columns, options) ? objectOf(columns) : jsonSchemaOf(columns[0].type));
}

export const jsonSrFormat: Format = {
  name: 'JSON_SR',
  supportsKey: true,
  supportsValue: true,

  createSerializer(columns, options): RowSerializer {
    const write = jsonFormat.createSerializer(columns, options);
    const id = options?.schemaId;
    return (row) => {
      const body = write(row);
      if (body === null) return null;
      if (id === undefined)
        throw new Error(
          `No JSON schema is registered for ${options?.topic === undefined ? `this ${options?.target ?? 'value'}` : `${options.topic}-${options.target ?? 'value'}`}: JSON_SR records are written only once their schema has an id.`,
        );
      const out = Buffer.allocUnsafe(5 + body.length);
      out[0] = 0;
      out.writeUInt32BE(id, 1);
      body.copy(out, 5);
      return out;
    };
  },

  createDeserializer(columns, options): RowDeserializer {
    const read = jsonFormat.createDeserializer(columns, options);
    const target = options?.target ?? 'value';
    return (bytes) => {
      if (bytes === null) return null;
      if (bytes.length < 5 || bytes[0] !== 0)
        throw new SerdeError({
          format: 'JSON_SR',
          target,
          problem:
            'Got unexpected JSON serialization format that did not start with the magic byte. If this stream was not serialized using the JsonSchemaConverter, then use the JSON format instead of JSON_SR',
          excerpt: excerptBytes(bytes),
        });
      // The JSON format skips the header itself; the schema id is not needed to read by field name.
      return read(bytes);
    };
  },
};
