import { avroReadProblem, parseAvroSchema } from './avro-schema.js';
import { jsonSchemaDifference, parseJsonSchema } from './json-schema.js';
import { parseProtobufSchema, protobufDifference } from './protobuf-schema.js';

/** The schema types the registry serves, as GET /schemas/types lists them. */
export const SCHEMA_TYPES = ['JSON', 'PROTOBUF', 'AVRO'] as const;
export type SchemaType = (typeof SCHEMA_TYPES)[number];

/** A referenced schema, resolved: its import name and text (dependencies come first). */
export interface ResolvedReference {
  readonly name: string;
  readonly schemaType: string;
  readonly schema: string;
}

/** A schema parsed by its type's rules, with what compatibility checks and answers need. */
export interface ParsedSchema {
  readonly schemaType: SchemaType;
  readonly canonical: string;
  /** Why data written with `writer` cannot be read with this schema, or undefined. */
  readProblem(writer: ParsedSchema): string | undefined;
  /** The schema as `?format=serialized` answers it (PROTOBUF: a base64 FileDescriptorProto). */
  serialized(): string;
}

export function isSchemaType(value: string): value is SchemaType {
  return (SCHEMA_TYPES as readonly string[]).includes(value);
}

/** Throws an Error naming what is wrong when `text` is not a schema of `schemaType`. */
export function parseSchema(
  schemaType: SchemaType,
  text: string,
  references: readonly ResolvedReference[],
  normalize: boolean,
): ParsedSchema {
  switch (schemaType) {
    case 'AVRO': {
      const { canonical, type } = parseAvroSchema(
        text,
        references.map((r) => r.schema),
      );
      const parsed: ParsedSchema & { type: typeof type } = {
        schemaType,
        canonical,
        type,
        readProblem: (writer) => avroReadProblem(type, (writer as ParsedSchema & { type: typeof type }).type),
        serialized: () => canonical,
      };
      return parsed;
    }
    case 'PROTOBUF': {
      const proto = parseProtobufSchema(text, references);
      const parsed: ParsedSchema & { file: typeof proto.file } = {
        schemaType,
        canonical: proto.canonical,
        file: proto.file,
        readProblem: (writer) => protobufDifference((writer as typeof parsed).file, proto.file),
        serialized: () => proto.serialized(),
      };
      return parsed;
    }
    case 'JSON': {
      const json = parseJsonSchema(text, references, normalize);
      const parsed: ParsedSchema & { schema: typeof json.schema } = {
        schemaType,
        canonical: json.canonical,
        schema: json.schema,
        readProblem: (writer) => jsonSchemaDifference(json.schema, (writer as typeof parsed).schema),
        serialized: () => json.canonical,
      };
      return parsed;
    }
  }
}
