// ksqlDB's AVRO format: Confluent's wire format (magic byte 0, the writer schema's 4-byte id, the
// Avro binary body). Records are written with one registered schema; they are read with whatever
// schema their id names, each schema fetched and compiled once, then matched to the columns by name.

import type { SqlValue } from '../types/index.js';
import { AvroDataError, AvroReader, AvroWriter } from './avro-binary.js';
import { AvroBranchError, compileAvroRowReader } from './avro-readers.js';
import { parseAvroSchema } from './avro-schema.js';
import { avroSchemaForColumns, DEFAULT_AVRO_VALUE_NAME } from './avro-translation.js';
import { AvroValueError, compileAvroRowWriter } from './avro-writers.js';
import { confluentSchemaId, loadUnknownSchemaIds } from './confluent-framing.js';
import { DecimalError } from './decimal.js';
import type { Format, FormatOptions, RowDeserializer, RowSerializer, SerdeColumn } from './format.js';
import { isWrapped } from './json-format.js';
import {
  referencedSchemaTexts,
  type SchemaRegistryClient,
  SchemaRegistryError,
} from './schema-registry-client.js';
import { excerptBytes, FormatSchemaError, SerdeError } from './serde-error.js';

/** The schema text records of these columns are written with: the given one, else ksqlDB's generated one. */
export function avroWriterSchema(
  columns: readonly SerdeColumn[],
  options: FormatOptions | undefined,
): string {
  if (options?.schema !== undefined) return options.schema;
  const fullName = options?.schemaFullName ?? DEFAULT_AVRO_VALUE_NAME;
  return JSON.stringify(avroSchemaForColumns(columns, isWrapped(columns, options), fullName));
}

function subjectOf(options: FormatOptions | undefined): string | undefined {
  return options?.topic === undefined ? undefined : `${options.topic}-${options.target ?? 'value'}`;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

type CompiledReader = (r: AvroReader) => SqlValue[] | null;

export const avroFormat: Format = {
  name: 'AVRO',
  supportsKey: true,
  supportsValue: true,

  createSerializer(columns, options): RowSerializer {
    const wrapped = isWrapped(columns, options);
    const schema = avroWriterSchema(columns, options);
    // A pinned or latest registered schema may take named types from other subjects (references).
    const parsed = parseAvroSchema(schema, options?.schemaReferences ?? []);
    const writeRow = compileAvroRowWriter(parsed, columns, wrapped);
    const id = options?.schemaId;
    const writer = new AvroWriter();
    return (row) => {
      if (row === null || (!wrapped && row[0] === null)) return null;
      if (id === undefined)
        throw new Error(
          `No schema is registered for ${subjectOf(options) ?? `this ${options?.target ?? 'value'}`}: AVRO records are written only once their schema has an id.`,
        );
      writer.reset();
      writer.ensure(5);
      writer.buf[0] = 0;
      writer.buf.writeUInt32BE(id, 1);
      writer.pos = 5;
      try {
        writeRow(writer, row);
      } catch (err) {
        if (err instanceof AvroValueError || err instanceof DecimalError)
          throw new SerdeError({
            format: 'AVRO',
            target: options?.target ?? 'value',
            problem: `cannot serialize with schema id ${id}: ${err.message}`,
            excerpt: '(not written)',
          });
        throw err;
      }
      return writer.take();
    };
  },

  createDeserializer(columns, options): RowDeserializer {
    const registry = options?.schemaRegistry;
    if (registry === undefined)
      throw new FormatSchemaError(
        'The AVRO format needs a Schema Registry: set ksql.schema.registry.url, or leave it unset to use the server’s own.',
      );
    const target = options?.target ?? 'value';
    const wrapped = isWrapped(columns, options);
    const subject = subjectOf(options);
    const compiled = new Map<number, CompiledReader | string>();
    const reader = new AvroReader();

    const compile = (
      id: number,
      schema: string,
      references: readonly { schema: string }[] = [],
    ): CompiledReader => {
      const what = `The writer schema (id ${id})`;
      return compileAvroRowReader(parseAvroSchema(schema, references), columns, wrapped, what);
    };

    /** Why the schema of `id` cannot be read into the columns, naming subject and version when the registry knows them. */
    const describeProblem = async (
      client: SchemaRegistryClient,
      id: number,
      schema: string,
      err: Error,
    ): Promise<string> => {
      let where = `schema id ${id}`;
      if (subject !== undefined) {
        try {
          const found = await client.lookup(subject, await client.schemaById(id), true);
          where = `schema id ${id} (subject '${subject}', version ${found.version})`;
        } catch {
          where = `schema id ${id} (not a version of subject '${subject}')`;
        }
      }
      return `${where} cannot be read into the columns: ${err.message}. Schema: ${schema.length > 300 ? `${schema.slice(0, 300)}…` : schema}`;
    };

    const load = async (id: number): Promise<void> => {
      let schema: string;
      let references: { schema: string }[] = [];
      try {
        const found = await registry.schemaById(id);
        if (found.schemaType !== 'AVRO') {
          compiled.set(
            id,
            `schema id ${id} is a ${found.schemaType} schema, not AVRO: set the ${target.toUpperCase()}_FORMAT to match what the producer writes`,
          );
          return;
        }
        schema = found.schema;
        // Named types defined in other subjects (Confluent's schema references).
        references = await referencedSchemaTexts(registry, found.references);
      } catch (err) {
        if (err instanceof SchemaRegistryError && err.notFound) {
          compiled.set(
            id,
            `schema id ${id} is not in the Schema Registry at ${registry.location}${subject === undefined ? '' : ` (subject '${subject}')`}: ${err.message}`,
          );
          return;
        }
        throw err;
      }
      try {
        compiled.set(id, compile(id, schema, references));
      } catch (err) {
        if (!(err instanceof FormatSchemaError)) throw err;
        compiled.set(id, await describeProblem(registry, id, schema, err));
      }
    };

    const fail = (bytes: Uint8Array, problem: string): never => {
      throw new SerdeError({ format: 'AVRO', target, problem, excerpt: excerptBytes(bytes) });
    };

    const deserialize = ((bytes: Uint8Array | null): SqlValue[] | null => {
      if (bytes === null) return null;
      const id = confluentSchemaId(bytes);
      if (typeof id === 'string') return fail(bytes, id);
      let read = compiled.get(id);
      if (read === undefined) {
        // Not prepared (a caller that reads one record at a time): the client may have it cached.
        const cached = registry.cachedSchemaById(id);
        // Its references would need fetching too: only a prepared read has them.
        if (cached === undefined || cached.references.length > 0)
          return fail(bytes, `schema id ${id} was not fetched from the Schema Registry before reading`);
        try {
          read = compile(id, cached.schema);
        } catch (err) {
          read = `schema id ${id} cannot be read into the columns: ${(err as Error).message}`;
        }
        compiled.set(id, read);
      }
      if (typeof read === 'string') return fail(bytes, read);
      reader.reset(asBuffer(bytes), 5);
      try {
        return read(reader);
      } catch (err) {
        if (err instanceof AvroDataError || err instanceof AvroBranchError || err instanceof DecimalError)
          return fail(bytes, `schema id ${id}: ${err.message}`);
        throw err;
      }
    }) as RowDeserializer;

    const prepare = (batch: readonly (Uint8Array | null)[]) => loadUnknownSchemaIds(batch, compiled, load);
    return Object.assign(deserialize, { prepare });
  },
};
