// The serialization formats: KAFKA, JSON, DELIMITED, AVRO, JSON_SR, PROTOBUF and PROTOBUF_NOSR, found by name.
import { avroFormat } from './avro-format.js';
import { delimitedFormat } from './delimited-format.js';
import type { Format } from './format.js';
import { jsonFormat } from './json-format.js';
import { jsonSrFormat } from './json-sr-format.js';
import { kafkaFormat } from './kafka-format.js';
import { protobufFormat, protobufNoSrFormat } from './protobuf-format.js';

export { avroWriterSchema } from './avro-format.js';
export { type AvroNode, parseAvroSchema } from './avro-schema.js';
export { avroDatumText } from './avro-text.js';
export {
  avroSchemaForColumns,
  columnsFromAvro,
  DEFAULT_AVRO_VALUE_NAME,
  defaultAvroKeyName,
  type InferredColumns,
} from './avro-translation.js';
export { confluentSchemaId } from './confluent-framing.js';
export * from './decimal.js';
export type { Format, FormatOptions, RowDeserializer, RowSerializer, SerdeColumn } from './format.js';
export { jsonSrWriterSchema } from './json-sr-format.js';
export { columnsFromJsonSchema } from './json-sr-translation.js';
export {
  compileRegisteredProtobuf,
  protobufWriterSchema,
} from './protobuf-format.js';
export {
  builtinProtobufImport,
  type CompiledProtobufSchema,
  compileProtobufSchema,
  PROTOBUF_BUILTIN_IMPORTS,
  protobufFullName,
} from './protobuf-schema.js';
export { protobufDatumText } from './protobuf-text.js';
export {
  columnsFromProtobuf,
  DEFAULT_PROTOBUF_MESSAGE,
  fieldMetaParams,
  type ProtobufNullableRepresentation,
  protobufSchemaForColumns,
} from './protobuf-translation.js';
export {
  type RegistrySchema,
  type RegistrySchemaReference,
  type RegistrySchemaType,
  type RegistrySubjectVersion,
  referencedSchemaTexts,
  type SchemaRegistryClient,
  SchemaRegistryError,
} from './schema-registry-client.js';
export { FormatSchemaError, SerdeError } from './serde-error.js';
export {
  avroFormat,
  delimitedFormat,
  jsonFormat,
  jsonSrFormat,
  kafkaFormat,
  protobufFormat,
  protobufNoSrFormat,
};

const formats: ReadonlyMap<string, Format> = new Map([
  ['KAFKA', kafkaFormat],
  ['JSON', jsonFormat],
  ['DELIMITED', delimitedFormat],
  ['AVRO', avroFormat],
  ['JSON_SR', jsonSrFormat],
  ['PROTOBUF', protobufFormat],
  ['PROTOBUF_NOSR', protobufNoSrFormat],
]);

/** Raised for a format name that is unknown or not available. */
export class UnknownFormatError extends Error {
  override readonly name = 'UnknownFormatError';
}

/** The format called `name` (any case), as KEY_FORMAT / VALUE_FORMAT / FORMAT name it. */
export function formatByName(name: string): Format {
  const upper = name.trim().toUpperCase();
  const format = formats.get(upper);
  if (format) return format;
  throw new UnknownFormatError(
    `Unknown format: '${name}'. Supported formats: ${[...formats.keys()].join(', ')}`,
  );
}

/** The names formatByName accepts. */
export function formatNames(): string[] {
  return [...formats.keys()];
}
