// What the AVRO format asks of the Schema Registry at statement time, as ksqlDB does it: columns
// inferred from `<topic>-key|-value` (or KEY_/VALUE_SCHEMA_ID) for CREATE STREAM|TABLE without
// columns, and the schemas of a source's columns registered under those subjects.
import {
  avroWriterSchema,
  columnsFromAvro,
  columnsFromJsonSchema,
  columnsFromProtobuf,
  compileRegisteredProtobuf,
  DEFAULT_AVRO_VALUE_NAME,
  defaultAvroKeyName,
  type FormatOptions,
  FormatSchemaError,
  formatByName,
  jsonSrWriterSchema,
  parseAvroSchema,
  protobufFullName,
  protobufWriterSchema,
  type RegistrySchema,
  type RegistrySchemaType,
  referencedSchemaTexts,
  type SchemaRegistryClient,
  SchemaRegistryError,
  type SerdeColumn,
} from '../serde/index.js';
import type { SqlType as AstType, CreateSource, TableElement } from '../sql/index.js';
import type { SqlType } from '../types/index.js';
import type { Column, SerdeOptions } from './data-source.js';
import { StatementError } from './errors.js';
import type { SourceProperties } from './with-clause.js';

/** Formats whose schemas live in the Schema Registry. */
export const SCHEMA_REGISTRY_FORMATS = new Set(['AVRO', 'JSON_SR', 'PROTOBUF']);

/** The registry's schema type of a format's schemas. */
function schemaTypeOf(format: string): RegistrySchemaType {
  if (format === 'JSON_SR') return 'JSON';
  return format === 'PROTOBUF' ? 'PROTOBUF' : 'AVRO';
}

/** How ksqlDB's "Please include the full … schema" names a format's schemas. */
function schemaLabel(format: string): string {
  if (format === 'JSON_SR') return 'JSON';
  return format === 'PROTOBUF' ? 'Protobuf' : 'Avro';
}

/** The columns of a PROTOBUF schema's message: the one *_SCHEMA_FULL_NAME names, else the first. */
async function columnsFromRegisteredProtobuf(
  registry: SchemaRegistryClient,
  found: RegistrySchema,
  fullName: string | undefined,
  upperCase: boolean,
): Promise<SerdeColumn[]> {
  const compiled = await compileRegisteredProtobuf(registry, found);
  const type = compiled.byName(fullName);
  if (type === undefined)
    throw new FormatSchemaError(
      `The schema has no message named ${fullName}; it defines ${compiled.messages.map(protobufFullName).join(', ')}`,
    );
  return columnsFromProtobuf(type, { upperCase }).columns;
}

function needsRegistry(
  registry: SchemaRegistryClient | undefined,
  format: string,
  topic: string,
): SchemaRegistryClient {
  if (registry === undefined)
    throw new StatementError(
      `Cannot create topic '${topic}' with format ${format} without configuring 'ksql.schema.registry.url'`,
    );
  return registry;
}

function side(target: 'key' | 'value'): string {
  return target === 'key' ? 'keys' : 'values';
}

/** The schema a subject's latest version or an id holds, with ksqlDB's messages when there is none. */
async function fetchSchema(
  registry: SchemaRegistryClient,
  topic: string,
  target: 'key' | 'value',
  schemaId: number | undefined,
): Promise<RegistrySchema & { id: number }> {
  const subject = `${topic}-${target}`;
  try {
    if (schemaId !== undefined) return { ...(await registry.schemaById(schemaId)), id: schemaId };
    return await registry.subjectVersion(subject, 'latest');
  } catch (err) {
    if (err instanceof SchemaRegistryError && (err.notFound || err.status === 401 || err.status === 403)) {
      const what = schemaId === undefined ? `Subject: ${subject}` : `Schema Id: ${schemaId}`;
      throw new StatementError(
        `Schema for message ${side(target)} on topic '${topic}' does not exist in the Schema Registry.\n${what}\n\n` +
          `Possible causes include:\n- The topic itself does not exist\t-> Use SHOW TOPICS; to check\n` +
          `- Messages on the topic are not serialized using a format Schema Registry supports\t-> Use PRINT '${topic}' FROM BEGINNING; to verify\n` +
          `- Messages on the topic have not been serialized using a Confluent Schema Registry supported serializer\t-> See https://docs.confluent.io/current/schema-registry/docs/serdes-develop/index.html\n` +
          `- The schema is registered on a different instance of the Schema Registry\t-> Use the REST API to list available subjects\thttps://docs.confluent.io/current/schema-registry/docs/api.html#get--subjects\n` +
          `- You do not have permissions to access the Schema Registry.\t-> See https://docs.confluent.io/current/schema-registry/docs/security.html\n` +
          `(${err.message})`,
      );
    }
    throw new StatementError(
      `Cannot read the schema for topic '${topic}' from the Schema Registry: ${(err as Error).message}`,
    );
  }
}

/** The columns the registry's schema gives one side of a topic (ksqlDB's inference). */
async function inferSide(
  registry: SchemaRegistryClient,
  format: string,
  topic: string,
  target: 'key' | 'value',
  schemaId: number | undefined,
  wrapped: boolean,
  fullName: string | undefined,
): Promise<{ columns: SerdeColumn[]; schema: string; id: number }> {
  const found = await fetchSchema(registry, topic, target, schemaId);
  if (found.schemaType !== schemaTypeOf(format)) {
    throw new StatementError(
      `${target === 'key' ? 'Key' : 'Value'} schema is not in the expected format. You may want to set ${target.toUpperCase()}_FORMAT to '${found.schemaType}'.\ntopic: ${topic}\nexpected format: ${format}\nactual format from Schema Registry: ${found.schemaType}`,
    );
  }
  try {
    const options = {
      wrapped,
      // With an id the names stay as written, as ksqlDB's ORIGINAL_FIELD_NAME policy keeps them.
      upperCase: schemaId === undefined,
      single: target === 'key' ? 'ROWKEY' : 'ROWVAL',
    };
    const columns =
      format === 'PROTOBUF'
        ? await columnsFromRegisteredProtobuf(registry, found, fullName, options.upperCase)
        : format === 'JSON_SR'
          ? columnsFromJsonSchema(
              found.schema,
              options,
              await referencedSchemaTexts(registry, found.references),
            ).columns
          : columnsFromAvro(
              parseAvroSchema(found.schema, await referencedSchemaTexts(registry, found.references)),
              options,
            ).columns;
    if (target === 'key' && columns.length > 1)
      throw new StatementError(
        `The key schema for topic: ${topic} contains multiple columns, which is not supported by ksqlDB at this time.`,
      );
    return { columns, schema: found.schema, id: found.id };
  } catch (err) {
    if (err instanceof SchemaRegistryError && err.notFound)
      throw new StatementError(
        `The ${target} schema for topic: ${topic} references a schema the Schema Registry does not have: ${err.message}`,
      );
    if (!(err instanceof FormatSchemaError)) throw err;
    throw new StatementError(
      `Unable to verify if the ${target} schema for topic: ${topic} is compatible with ksqlDB.\nReason: ${err.message}\n\nPlease see https://github.com/confluentinc/ksql/issues/ to see if this particular reason is already known, and if not log a new issue. Please include the full ${schemaLabel(format)} schema that you are trying to use.`,
    );
  }
}

function astType(type: SqlType): AstType {
  switch (type.kind) {
    case 'DECIMAL':
      return { kind: 'decimalType', precision: type.precision, scale: type.scale };
    case 'ARRAY':
      return { kind: 'arrayType', element: astType(type.element) };
    case 'MAP':
      return { kind: 'mapType', key: astType(type.key), value: astType(type.value) };
    case 'STRUCT':
      return {
        kind: 'structType',
        fields: type.fields.map((f) => ({ name: f.name, type: astType(f.type) })),
      };
    default:
      return { kind: 'primitiveType', name: type.kind };
  }
}

/**
 * CREATE STREAM|TABLE without value (or key) columns over a registry format: the statement with the
 * columns the registry's schemas give, so the command topic records a statement that replays
 * without the registry. Undefined when there is nothing to infer.
 */
export async function withInferredColumns(
  statement: CreateSource,
  props: SourceProperties,
  formats: { keyFormat: string; valueFormat: string; wrapSingleValue: boolean | undefined },
  registry: SchemaRegistryClient | undefined,
): Promise<CreateSource | undefined> {
  const topic = props.kafkaTopic;
  if (topic === undefined) return undefined;
  const hasKey = statement.elements.some(
    (e) => e.constraint?.kind === 'key' || e.constraint?.kind === 'primaryKey',
  );
  const hasValue = statement.elements.some((e) => e.constraint === undefined);
  const inferValue = !hasValue && SCHEMA_REGISTRY_FORMATS.has(formats.valueFormat);
  const inferKey =
    !hasKey &&
    SCHEMA_REGISTRY_FORMATS.has(formats.keyFormat) &&
    (props.keySchemaId !== undefined || inferValue);
  if (!inferValue && !inferKey) return undefined;
  const elements: TableElement[] = [];
  const keyConstraint =
    statement.sourceType === 'TABLE' ? { kind: 'primaryKey' as const } : { kind: 'key' as const };
  if (inferKey) {
    const key = await inferSide(
      needsRegistry(registry, formats.keyFormat, topic),
      formats.keyFormat,
      topic,
      'key',
      props.keySchemaId,
      false,
      props.keySchemaFullName,
    ).catch((err: unknown) => {
      // Without KEY_SCHEMA_ID a topic with no key schema just has no key columns, as in ksqlDB.
      if (
        props.keySchemaId === undefined &&
        err instanceof StatementError &&
        /does not exist/.test(err.message)
      )
        return undefined;
      throw err;
    });
    for (const c of key?.columns ?? [])
      elements.push({ name: c.name, type: astType(c.type), constraint: keyConstraint });
  }
  elements.push(...statement.elements);
  if (inferValue) {
    const value = await inferSide(
      needsRegistry(registry, formats.valueFormat, topic),
      formats.valueFormat,
      topic,
      'value',
      props.valueSchemaId,
      formats.wrapSingleValue !== false,
      props.valueSchemaFullName,
    );
    const taken = new Set(elements.map((e) => e.name));
    for (const c of value.columns)
      if (!taken.has(c.name)) elements.push({ name: c.name, type: astType(c.type) });
  }
  return { ...statement, elements };
}

/** Whether rows of these columns can be written with a registered schema (its fields match theirs). */
function writesWith(
  format: string,
  columns: readonly Column[],
  options: FormatOptions,
  existing: RegistrySchema & { id: number },
  references: readonly { name: string; schema: string }[],
): boolean {
  if (existing.schemaType !== schemaTypeOf(format)) return false;
  try {
    formatByName(format).createSerializer(columns, {
      ...options,
      schema: existing.schema,
      schemaId: existing.id,
      ...(references.length === 0 ? {} : { schemaReferences: references }),
    });
    return true;
  } catch (err) {
    if (err instanceof FormatSchemaError) return false;
    throw err;
  }
}

export interface RegistryRequest {
  readonly name: string;
  readonly topic: string;
  readonly columns: readonly Column[];
  readonly keyFormat: string;
  readonly valueFormat: string;
  readonly wrapSingleValue: boolean | undefined;
  readonly props: SourceProperties;
  /** CSAS/CTAS always register; CREATE with columns only when the subject has no version yet. */
  readonly always: boolean;
}

/**
 * The schema ids (and pinned schema texts) a source's records are written with, registering the
 * columns' schemas under `<topic>-key` / `<topic>-value` as ksqlDB does.
 */
export async function registerSourceSchemas(
  request: RegistryRequest,
  registry: SchemaRegistryClient | undefined,
): Promise<SerdeOptions> {
  const out: {
    -readonly [K in keyof SerdeOptions]: SerdeOptions[K];
  } = {};
  /** A registered schema records are written with: its id, text and (AVRO, PROTOBUF) referenced texts. */
  const keep = (
    target: 'key' | 'value',
    id: number,
    schema: string,
    references: readonly { name: string; schema: string }[],
  ): void => {
    const withRefs = references.length === 0 ? undefined : references;
    if (target === 'key') {
      out.keySchemaId = id;
      out.keySchema = schema;
      if (withRefs !== undefined) out.keySchemaReferences = withRefs;
    } else {
      out.valueSchemaId = id;
      out.valueSchema = schema;
      if (withRefs !== undefined) out.valueSchemaReferences = withRefs;
    }
  };
  // AVRO named types and PROTOBUF imports from other subjects; a JSON_SR writer reads no schema.
  const referencedTexts = async (found: RegistrySchema) =>
    found.schemaType !== 'JSON' && found.references.length > 0 && registry !== undefined
      ? await referencedSchemaTexts(registry, found.references)
      : [];
  const sides: ['key' | 'value', string, readonly Column[]][] = [
    ['key', request.keyFormat, request.columns.filter((c) => c.namespace === 'KEY')],
    ['value', request.valueFormat, request.columns.filter((c) => c.namespace === 'VALUE')],
  ];
  for (const [target, format, columns] of sides) {
    const nullable =
      target === 'key' ? request.props.keyProtobufNullable : request.props.valueProtobufNullable;
    if (nullable !== undefined) {
      if (format !== 'PROTOBUF' && format !== 'PROTOBUF_NOSR')
        throw new StatementError(
          `${format} does not support the following configs: [${target.toUpperCase()}_PROTOBUF_NULLABLE_REPRESENTATION]`,
        );
      if (target === 'key') out.keyProtobufNullable = nullable;
      else out.valueProtobufNullable = nullable;
    }
    if (!SCHEMA_REGISTRY_FORMATS.has(format) || columns.length === 0) continue;
    const client = needsRegistry(registry, format, request.topic);
    const pinnedId = target === 'key' ? request.props.keySchemaId : request.props.valueSchemaId;
    const givenName = target === 'key' ? request.props.keySchemaFullName : request.props.valueSchemaFullName;
    // PROTOBUF's generated message is ConnectDefault1 unless named; AVRO's record has ksqlDB's names.
    const fullName =
      format === 'PROTOBUF'
        ? givenName
        : (givenName ?? (target === 'key' ? defaultAvroKeyName(request.name) : DEFAULT_AVRO_VALUE_NAME));
    const options: FormatOptions = {
      target,
      ...(fullName === undefined ? {} : { schemaFullName: fullName }),
      ...(nullable === undefined ? {} : { protobufNullable: nullable }),
      ...(target === 'value' && request.wrapSingleValue !== undefined
        ? { wrapSingleValue: request.wrapSingleValue }
        : {}),
    };
    if (fullName !== undefined) {
      if (target === 'key') out.keySchemaFullName = fullName;
      else out.valueSchemaFullName = fullName;
    }
    if (pinnedId !== undefined) {
      const found = await fetchSchema(client, request.topic, target, pinnedId);
      if (found.schemaType !== schemaTypeOf(format))
        throw new StatementError(
          `Format and fetched schema type using ${target.toUpperCase()}_SCHEMA_ID ${pinnedId} are different. Format: [${format}], Fetched schema type: [${found.schemaType}].`,
        );
      keep(target, pinnedId, found.schema, await referencedTexts(found));
      continue;
    }
    const schema =
      format === 'PROTOBUF'
        ? protobufWriterSchema(columns, options)
        : format === 'JSON_SR'
          ? jsonSrWriterSchema(columns, options)
          : avroWriterSchema(columns, options);
    const subject = `${request.topic}-${target}`;
    let id: number;
    try {
      if (!request.always) {
        const existing = await client.subjectVersion(subject, 'latest').catch((err: unknown) => {
          if (err instanceof SchemaRegistryError && err.notFound) return undefined;
          throw err;
        });
        const references = existing === undefined ? [] : await referencedTexts(existing);
        if (existing !== undefined && writesWith(format, columns, options, existing, references)) {
          // ksqlDB leaves a subject with versions alone: records are written with its latest schema.
          keep(target, existing.id, existing.schema, references);
          continue;
        }
      }
      id = await client.register(subject, { schemaType: schemaTypeOf(format), schema, references: [] });
    } catch (err) {
      throw new StatementError(`Could not register schema for topic: ${(err as Error).message}`);
    }
    if (target === 'key') out.keySchemaId = id;
    else out.valueSchemaId = id;
  }
  return out;
}
