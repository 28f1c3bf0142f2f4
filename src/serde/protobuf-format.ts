// ksqlDB's PROTOBUF and PROTOBUF_NOSR formats. PROTOBUF is Confluent's wire format: magic byte 0,
// the schema's 4-byte id, the message-index array naming the message, then the message. Records
// are written with one registered schema (ksqlDB's, generated from the columns, or the one
// KEY_/VALUE_SCHEMA_ID pins) and read with the schema each record's id names: fetched with its
// references, compiled once per id and message. PROTOBUF_NOSR is the bare message, its schema
// generated from the columns.

import type protobuf from 'protobufjs';
import type { SqlValue } from '../types/index.js';
import { confluentSchemaId, loadUnknownSchemaIds } from './confluent-framing.js';
import { DecimalError } from './decimal.js';
import type { Format, FormatOptions, RowDeserializer, RowSerializer, SerdeColumn } from './format.js';
import { isWrapped } from './json-format.js';
import {
  compileProtobufRowReader,
  compileProtobufRowWriter,
  type MessageReader,
  ProtobufValueError,
} from './protobuf-codec.js';
import { type CompiledProtobufSchema, compileProtobufSchema, protobufFullName } from './protobuf-schema.js';
import { protobufSchemaForColumns } from './protobuf-translation.js';
import {
  messageIndexBytes,
  PbReader,
  PbWriter,
  ProtobufDataError,
  readMessageIndexes,
} from './protobuf-wire.js';
import {
  type RegistrySchema,
  referencedSchemaTexts,
  type SchemaRegistryClient,
  SchemaRegistryError,
} from './schema-registry-client.js';
import { excerptBytes, FormatSchemaError, SerdeError } from './serde-error.js';

function subjectOf(options: FormatOptions | undefined): string | undefined {
  return options?.topic === undefined ? undefined : `${options.topic}-${options.target ?? 'value'}`;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The `.proto` text records of these columns are written with: the pinned one, else ksqlDB's generated one. */
export function protobufWriterSchema(
  columns: readonly SerdeColumn[],
  options: FormatOptions | undefined,
): string {
  if (options?.schema !== undefined) return options.schema;
  return protobufSchemaForColumns(columns, {
    ...(options?.schemaFullName === undefined ? {} : { fullName: options.schemaFullName }),
    ...(options?.protobufNullable === undefined ? {} : { nullable: options.protobufNullable }),
  }).text;
}

/** A registered PROTOBUF schema compiled with its references fetched from the registry. */
export async function compileRegisteredProtobuf(
  registry: SchemaRegistryClient,
  schema: RegistrySchema,
): Promise<CompiledProtobufSchema> {
  return compileProtobufSchema(schema.schema, await referencedSchemaTexts(registry, schema.references));
}

/** The message records are written as: the one *_SCHEMA_FULL_NAME names, else the first. */
function writerMessage(compiled: CompiledProtobufSchema, fullName: string | undefined): protobuf.Type {
  const type = compiled.byName(fullName);
  if (type === undefined)
    throw new FormatSchemaError(
      `The Protobuf schema has no message named ${fullName}; it defines ${compiled.messages.map(protobufFullName).join(', ')}`,
    );
  return type;
}

function writeFailure(format: string, options: FormatOptions | undefined, err: unknown): never {
  if (err instanceof ProtobufValueError || err instanceof DecimalError)
    throw new SerdeError({
      format,
      target: options?.target ?? 'value',
      problem: `cannot serialize: ${err.message}`,
      excerpt: '(not written)',
    });
  throw err;
}

export const protobufFormat: Format = {
  name: 'PROTOBUF',
  supportsKey: true,
  supportsValue: true,

  createSerializer(columns, options): RowSerializer {
    if (options?.wrapSingleValue === false)
      throw new FormatSchemaError("Format 'PROTOBUF' does not support 'WRAP_SINGLE_VALUE' set to 'false'.");
    const compiled = compileProtobufSchema(protobufWriterSchema(columns, options), options?.schemaReferences);
    // A generated schema has one message; a pinned one's is the one *_SCHEMA_FULL_NAME names.
    const type = writerMessage(compiled, options?.schema === undefined ? undefined : options.schemaFullName);
    const write = compileProtobufRowWriter(type, columns, true);
    const indexes = messageIndexBytes(compiled.indexesOf(type));
    const id = options?.schemaId;
    const writer = new PbWriter();
    return (row) => {
      if (row === null) return null;
      if (id === undefined)
        throw new Error(
          `No schema is registered for ${subjectOf(options) ?? `this ${options?.target ?? 'value'}`}: PROTOBUF records are written only once their schema has an id.`,
        );
      writer.reset();
      writer.ensure(5 + indexes.length);
      writer.buf[0] = 0;
      writer.buf.writeUInt32BE(id, 1);
      indexes.copy(writer.buf, 5);
      writer.pos = 5 + indexes.length;
      try {
        write(writer, row);
      } catch (err) {
        writeFailure('PROTOBUF', options, err);
      }
      return writer.take();
    };
  },

  createDeserializer(columns, options): RowDeserializer {
    if (options?.wrapSingleValue === false)
      throw new FormatSchemaError("Format 'PROTOBUF' does not support 'WRAP_SINGLE_VALUE' set to 'false'.");
    const registry = options?.schemaRegistry;
    if (registry === undefined)
      throw new FormatSchemaError(
        'The PROTOBUF format needs a Schema Registry: set ksql.schema.registry.url, or leave it unset to use the server’s own.',
      );
    const target = options?.target ?? 'value';
    const subject = subjectOf(options);
    /** Per schema id: its compiled schema and where it is (subject, version), or why it cannot be read. */
    const schemas = new Map<number, { compiled: CompiledProtobufSchema; where: string } | string>();
    /** Per schema id and message-index path: the compiled reader, or why the message cannot be read. */
    const readers = new Map<string, MessageReader | string>();
    const reader = new PbReader();

    const whereOf = async (id: number, schema: RegistrySchema): Promise<string> => {
      if (subject === undefined) return `schema id ${id}`;
      try {
        const found = await registry.lookup(subject, schema, true);
        return `schema id ${id} (subject '${subject}', version ${found.version})`;
      } catch {
        return `schema id ${id} (not a version of subject '${subject}')`;
      }
    };

    const load = async (id: number): Promise<void> => {
      let schema: RegistrySchema;
      try {
        schema = await registry.schemaById(id);
      } catch (err) {
        if (err instanceof SchemaRegistryError && err.notFound) {
          schemas.set(
            id,
            `schema id ${id} is not in the Schema Registry at ${registry.location}${subject === undefined ? '' : ` (subject '${subject}')`}: ${err.message}`,
          );
          return;
        }
        throw err;
      }
      const where = await whereOf(id, schema);
      if (schema.schemaType !== 'PROTOBUF') {
        schemas.set(
          id,
          `${where} is a ${schema.schemaType} schema, not PROTOBUF: set the ${target.toUpperCase()}_FORMAT to match what the producer writes`,
        );
        return;
      }
      try {
        schemas.set(id, { compiled: await compileRegisteredProtobuf(registry, schema), where });
      } catch (err) {
        if (err instanceof FormatSchemaError) schemas.set(id, `${where} cannot be used: ${err.message}`);
        else if (err instanceof SchemaRegistryError && err.notFound)
          schemas.set(id, `${where} references a schema the registry does not have: ${err.message}`);
        else throw err;
      }
    };

    const fail = (bytes: Uint8Array, problem: string): never => {
      throw new SerdeError({ format: 'PROTOBUF', target, problem, excerpt: excerptBytes(bytes) });
    };

    /** Not prepared (a caller that reads one record at a time): the client may have the schema cached. */
    const compileCached = (
      id: number,
    ): { compiled: CompiledProtobufSchema; where: string } | string | undefined => {
      const cached = registry.cachedSchemaById(id);
      if (cached === undefined || cached.references.length > 0) return undefined;
      let entry: { compiled: CompiledProtobufSchema; where: string } | string;
      try {
        entry =
          cached.schemaType === 'PROTOBUF'
            ? { compiled: compileProtobufSchema(cached.schema), where: `schema id ${id}` }
            : `schema id ${id} is a ${cached.schemaType} schema, not PROTOBUF`;
      } catch (err) {
        if (!(err instanceof FormatSchemaError)) throw err;
        entry = `schema id ${id} cannot be used: ${err.message}`;
      }
      schemas.set(id, entry);
      return entry;
    };

    const readerFor = (id: number, indexes: readonly number[], bytes: Uint8Array): MessageReader => {
      const key = `${id}:${indexes.join('.')}`;
      let read = readers.get(key);
      if (read === undefined) {
        const schema = schemas.get(id) ?? compileCached(id);
        if (schema === undefined)
          return fail(bytes, `schema id ${id} was not fetched from the Schema Registry before reading`);
        if (typeof schema === 'string') return fail(bytes, schema);
        const type = schema.compiled.byIndexes(indexes);
        if (type === undefined)
          read = `Invalid message indexes: [${indexes.join(', ')}] name no message of ${schema.where}, which defines ${schema.compiled.messages.map(protobufFullName).join(', ')}`;
        else
          try {
            read = compileProtobufRowReader(type, columns, true);
          } catch (err) {
            if (!(err instanceof FormatSchemaError)) throw err;
            read = `${schema.where}, message ${protobufFullName(type)}, cannot be read into the columns: ${err.message}`;
          }
        readers.set(key, read);
      }
      if (typeof read === 'string') return fail(bytes, read);
      return read;
    };

    const deserialize = ((bytes: Uint8Array | null): SqlValue[] | null => {
      if (bytes === null) return null;
      const id = confluentSchemaId(bytes);
      if (typeof id === 'string') return fail(bytes, id);
      const buf = asBuffer(bytes);
      reader.reset(buf, 5, buf.length);
      try {
        const indexes = readMessageIndexes(reader);
        const read = readerFor(id, indexes, bytes);
        return read(reader, buf.length);
      } catch (err) {
        if (err instanceof ProtobufDataError || err instanceof DecimalError) {
          const schema = schemas.get(id);
          return fail(
            bytes,
            `${typeof schema === 'object' ? schema.where : `schema id ${id}`}: ${err.message}`,
          );
        }
        throw err;
      }
    }) as RowDeserializer;

    const prepare = (batch: readonly (Uint8Array | null)[]) => loadUnknownSchemaIds(batch, schemas, load);
    return Object.assign(deserialize, { prepare });
  },
};

/** The bare message's schema for these columns: a pinned one is not possible without a registry. */
function noSrMessage(columns: readonly SerdeColumn[], options: FormatOptions | undefined): protobuf.Type {
  const compiled = compileProtobufSchema(
    protobufSchemaForColumns(columns, {
      ...(options?.schemaFullName === undefined ? {} : { fullName: options.schemaFullName }),
      ...(options?.protobufNullable === undefined ? {} : { nullable: options.protobufNullable }),
    }).text,
  );
  return compiled.messages[0];
}

export const protobufNoSrFormat: Format = {
  name: 'PROTOBUF_NOSR',
  supportsKey: true,
  supportsValue: true,

  createSerializer(columns, options): RowSerializer {
    const wrapped = isWrapped(columns, options);
    const write = compileProtobufRowWriter(noSrMessage(columns, options), columns, wrapped);
    const writer = new PbWriter();
    return (row) => {
      if (row === null || (!wrapped && row[0] === null)) return null;
      writer.reset();
      try {
        write(writer, row);
      } catch (err) {
        writeFailure('PROTOBUF_NOSR', options, err);
      }
      return writer.take();
    };
  },

  createDeserializer(columns, options): RowDeserializer {
    const wrapped = isWrapped(columns, options);
    const read = compileProtobufRowReader(noSrMessage(columns, options), columns, wrapped);
    const target = options?.target ?? 'value';
    const reader = new PbReader();
    return (bytes) => {
      if (bytes === null) return null;
      const buf = asBuffer(bytes);
      reader.reset(buf, 0, buf.length);
      try {
        return read(reader, buf.length);
      } catch (err) {
        if (err instanceof ProtobufDataError || err instanceof DecimalError)
          throw new SerdeError({
            format: 'PROTOBUF_NOSR',
            target,
            problem: `not a Protobuf message of the columns' schema: ${err.message}`,
            excerpt: excerptBytes(bytes),
          });
        throw err;
      }
    };
  },
};
