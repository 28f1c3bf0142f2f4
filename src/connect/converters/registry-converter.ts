import {
  HttpSchemaRegistryClient,
  RegistryClientSettingsError,
  registryClientSettings,
} from '../../registry/index.js';
import { type RegistrySchemaType, SchemaRegistryError } from '../../serde/index.js';
import {
  ConfigDef,
  type ConnectValue,
  type Converter,
  DataException,
  type Schema,
  type SchemaAndValue,
} from '../api/index.js';
import { converterTypeKey } from './converter-support.js';
import { type SubjectNameStrategy, subjectNameStrategy } from './subject-name-strategy.js';

/**
 * What a schema format (Avro, …) gives the registry converter: a Connect schema as the schema text
 * it registers, a codec for it, and a registered schema's text back as a Connect schema and codec.
 */
export interface RegistryFormat {
  /** AVRO, JSON or PROTOBUF, as the registry names it; and Confluent's name for errors (Avro, …). */
  readonly schemaType: RegistrySchemaType;
  readonly label: string;
  /** The converter's simple class name, for errors. */
  readonly converter: string;
  fromConnectSchema(schema: Schema): WriterSchema;
  /**
   * How records without a Connect schema are written (Avro's Anything schema); undefined where
   * Confluent's converter refuses them (its ProtobufData and JsonSchemaData derive no schema).
   */
  readonly schemaless?: () => WriterSchema;
  /** A registered schema, with the texts of the schemas it references (dependencies first). */
  fromRegisteredSchema(text: string, references: readonly ReferencedSchema[]): ReaderSchema;
}

/** A schema another one references (a Protobuf import, say), by the name it is referenced by. */
export interface ReferencedSchema {
  readonly name: string;
  readonly schema: string;
}

export interface WriterSchema {
  readonly text: string;
  /** The record's full name, for RecordNameStrategy; undefined for non-record schemas. */
  readonly recordName: string | undefined;
  /**
   * Schemas this one references (Protobuf imports of google.type.Date…), registered first, each
   * under a subject named after it, as Confluent's default reference subject name strategy does.
   */
  readonly references?: readonly ReferencedSchema[];
  /**
   * The record's bytes with `header` bytes left free at the front (the converter writes the magic
   * byte and the id there), so the payload is copied once.
   */
  encode(value: ConnectValue, header: number): Buffer;
}

export interface ReaderSchema {
  /** The schema of the record (for Protobuf, the message its indexes name) and its value. */
  read(payload: Uint8Array): SchemaAndValue;
  /** The schema of the first (or only) type, as use.latest.version writes with it; null when schemaless. */
  readonly schema: Schema | null;
}

/** Confluent's wire format: magic byte 0, then the schema id as a big-endian int32. */
const MAGIC = 0;
const HEADER = 5;

/**
 * The shared half of Confluent's registry converters (AvroConverter, …): settings, subject names,
 * registration or lookup of the writer's schema, and the wire format. Registry calls are async, so
 * the worker awaits `prepareFromConnectData`/`prepareToConnectData` for a record before converting
 * it; they resolve at once from memory once a schema is known, as Confluent's cached client does.
 */
export class RegistryConverter implements Converter {
  static readonly CONFIG_DEF = new ConfigDef()
    .define({
      name: 'schema.registry.url',
      type: 'LIST',
      importance: 'HIGH',
      documentation: 'Comma-separated list of URLs for Schema Registry instances.',
    })
    .define({
      name: 'auto.register.schemas',
      type: 'BOOLEAN',
      defaultValue: true,
      importance: 'MEDIUM',
      documentation: 'Specify if the converter should attempt to register new schemas.',
    })
    .define({
      name: 'use.latest.version',
      type: 'BOOLEAN',
      defaultValue: false,
      importance: 'LOW',
      documentation:
        "Use the subject's latest version for serialization (needs auto.register.schemas=false).",
    })
    .define({
      name: 'normalize.schemas',
      type: 'BOOLEAN',
      defaultValue: false,
      importance: 'LOW',
      documentation: 'Whether the registry normalizes schemas before registering or looking them up.',
    })
    .define({
      name: 'key.subject.name.strategy',
      type: 'STRING',
      defaultValue: 'io.confluent.kafka.serializers.subject.TopicNameStrategy',
      importance: 'MEDIUM',
      documentation: 'How the subject of a key schema is named.',
    })
    .define({
      name: 'value.subject.name.strategy',
      type: 'STRING',
      defaultValue: 'io.confluent.kafka.serializers.subject.TopicNameStrategy',
      importance: 'MEDIUM',
      documentation: 'How the subject of a value schema is named.',
    })
    .define({
      name: 'basic.auth.credentials.source',
      type: 'STRING',
      defaultValue: 'URL',
      importance: 'MEDIUM',
      documentation: 'Where BASIC auth credentials come from: URL or USER_INFO.',
      recommendedValues: ['URL', 'USER_INFO'],
    })
    .define({
      name: 'bearer.auth.credentials.source',
      type: 'STRING',
      defaultValue: null,
      importance: 'MEDIUM',
      documentation: 'Where the bearer token comes from: STATIC_TOKEN (with bearer.auth.token).',
    })
    .define({
      name: 'bearer.auth.token',
      type: 'PASSWORD',
      defaultValue: null,
      importance: 'MEDIUM',
      documentation: 'The bearer token, with bearer.auth.credentials.source=STATIC_TOKEN.',
    })
    .define({
      name: 'basic.auth.user.info',
      type: 'PASSWORD',
      defaultValue: null,
      importance: 'MEDIUM',
      documentation: 'user:password, with basic.auth.credentials.source=USER_INFO.',
    })
    .define({
      name: 'schemas.enable',
      type: 'BOOLEAN',
      defaultValue: true,
      importance: 'LOW',
      documentation: 'Ignored, as by Confluent: a registry converter always has a schema.',
    })
    .define(converterTypeKey());

  private readonly format: RegistryFormat;
  private client: HttpSchemaRegistryClient | undefined;
  private isKey = false;
  private autoRegister = true;
  private useLatest = false;
  private normalize = false;
  private strategy: SubjectNameStrategy = subjectNameStrategy('TopicNameStrategy');

  /** Per Connect schema object: its writer schema (compiled once). */
  private readonly writers = new WeakMap<Schema, WriterSchema>();
  /** The writer of records without a schema (Avro's Anything), made on first use. */
  private schemalessWriter: WriterSchema | undefined;
  /** Per subject and schema text: the id to write. */
  private readonly ids = new Map<string, number>();
  /** The same per writer object, so the per-record lookup hashes no schema text. */
  private readonly idsByWriter = new WeakMap<WriterSchema, Map<string, number>>();
  private readonly pendingIds = new Map<string, Promise<void>>();
  /** Per id: the registered schema as a reader. */
  private readonly readers = new Map<number, ReaderSchema>();
  private readonly pendingReaders = new Map<number, Promise<void>>();
  /** use.latest.version: per subject, the latest version's id and writer. */
  private readonly latest = new Map<string, { id: number; writer: WriterSchema }>();

  constructor(format: RegistryFormat) {
    this.format = format;
  }

  config(): ConfigDef {
    return RegistryConverter.CONFIG_DEF;
  }

  configure(configs: Readonly<Record<string, string>>, isKey: boolean): void {
    const parsed = RegistryConverter.CONFIG_DEF.parse(configs);
    this.isKey = isKey;
    this.autoRegister = parsed['auto.register.schemas'];
    this.useLatest = parsed['use.latest.version'];
    this.normalize = parsed['normalize.schemas'];
    this.strategy = subjectNameStrategy(
      parsed[isKey ? 'key.subject.name.strategy' : 'value.subject.name.strategy'],
    );
    // The registry's own client reads the auth and TLS keys (basic.auth.*, bearer.auth.*, ssl.*)
    // as Confluent's serializers take them; configs are already stripped of the converter prefix.
    const prefix = isKey ? 'key.converter.' : 'value.converter.';
    try {
      this.client = new HttpSchemaRegistryClient(
        registryClientSettings(parsed['schema.registry.url'].join(','), configs, prefix),
      );
    } catch (err) {
      if (err instanceof RegistryClientSettingsError)
        throw new Error(`${this.format.converter}: ${err.message}`, { cause: err });
      throw err;
    }
  }

  // ---- Connect → bytes

  prepareFromConnectData(
    topic: string,
    schema: Schema | null,
    value?: ConnectValue,
  ): Promise<void> | undefined {
    // A schemaless null is written as null, with no schema; other schemaless values need one.
    if (schema === null && (value === null || this.format.schemaless === undefined)) return undefined;
    const writer = this.writerFor(schema);
    const subject = this.subjectFor(topic, writer);
    if (this.useLatest) return this.latest.has(subject) ? undefined : this.loadLatest(subject);
    if (this.idsByWriter.get(writer)?.has(subject)) return undefined;
    const key = `${subject}\u0000${writer.text}`;
    const known = this.ids.get(key);
    if (known !== undefined) {
      this.rememberId(writer, subject, known);
      return undefined;
    }
    let pending = this.pendingIds.get(key);
    if (pending === undefined) {
      pending = this.resolveId(topic, subject, writer, key).finally(() => this.pendingIds.delete(key));
      this.pendingIds.set(key, pending);
    }
    return pending;
  }

  fromConnectData(topic: string, schema: Schema | null, value: ConnectValue): Uint8Array | null {
    if (value === null && (schema === null || schema.optional)) return null;
    if (schema === null && this.format.schemaless === undefined)
      throw new DataException(
        `Failed to serialize ${this.format.label} data from topic ${topic}: the record has no schema, and ${this.format.converter} (as Confluent's) derives the ${this.format.label} schema it registers from the record's Connect schema. Give the connector's records a schema (check that no transform drops it), or use AvroConverter (it writes schemaless values with its Anything schema) or JsonConverter with schemas.enable=false`,
      );
    let writer = this.writerFor(schema);
    const subject = this.subjectFor(topic, writer);
    let id: number | undefined;
    if (this.useLatest) {
      const latest = this.latest.get(subject);
      id = latest?.id;
      if (latest !== undefined) writer = latest.writer;
    } else id = this.idsByWriter.get(writer)?.get(subject) ?? this.ids.get(`${subject}\u0000${writer.text}`);
    if (id === undefined)
      throw new DataException(
        `Failed to serialize ${this.format.label} data from topic ${topic}: the schema of subject ${subject} is not known yet (the worker awaits prepareFromConnectData first)`,
      );
    let out: Buffer;
    try {
      out = writer.encode(value, HEADER);
    } catch (err) {
      throw new DataException(
        `Failed to serialize ${this.format.label} data from topic ${topic}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    out[0] = MAGIC;
    out.writeInt32BE(id, 1);
    return out;
  }

  // ---- bytes → Connect

  prepareToConnectData(_topic: string, bytes: Uint8Array | null): Promise<void> | undefined {
    if (bytes === null || bytes.length < HEADER || bytes[0] !== MAGIC) return undefined;
    const id = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readInt32BE(1);
    if (this.readers.has(id)) return undefined;
    let pending = this.pendingReaders.get(id);
    if (pending === undefined) {
      pending = this.loadReader(id).finally(() => this.pendingReaders.delete(id));
      this.pendingReaders.set(id, pending);
    }
    return pending;
  }

  toConnectData(topic: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null) return { schema: null, value: null };
    const fail = (why: string): never => {
      throw new DataException(
        `Failed to deserialize data for topic ${topic} to ${this.format.label}: ${why}`,
      );
    };
    if (bytes.length < HEADER || bytes[0] !== MAGIC) fail('Unknown magic byte!');
    const id = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readInt32BE(1);
    const reader = this.readers.get(id);
    if (reader === undefined)
      return fail(
        `Error retrieving ${this.format.label} schema for id ${id}: not fetched yet (the worker awaits prepareToConnectData first)`,
      );
    try {
      return reader.read(bytes.subarray(HEADER));
    } catch (err) {
      return fail(`Error deserializing ${this.format.label} message for id ${id}: ${(err as Error).message}`);
    }
  }

  // ---- registry calls

  private writerFor(schema: Schema | null): WriterSchema {
    if (schema === null) {
      this.schemalessWriter ??= this.format.schemaless?.();
      if (this.schemalessWriter === undefined)
        throw new Error(`${this.format.converter} has no schemaless form`);
      return this.schemalessWriter;
    }
    let writer = this.writers.get(schema);
    if (writer === undefined) {
      writer = this.format.fromConnectSchema(schema);
      this.writers.set(schema, writer);
    }
    return writer;
  }

  private subjectFor(topic: string, writer: WriterSchema): string {
    return this.strategy(topic, this.isKey, writer.recordName);
  }

  private rememberId(writer: WriterSchema, subject: string, id: number): void {
    let bySubject = this.idsByWriter.get(writer);
    if (bySubject === undefined) {
      bySubject = new Map();
      this.idsByWriter.set(writer, bySubject);
    }
    bySubject.set(subject, id);
  }

  private async resolveId(topic: string, subject: string, writer: WriterSchema, key: string): Promise<void> {
    const text = writer.text;
    const client = this.registry();
    const { schemaType, label } = this.format;
    try {
      const references = [];
      for (const ref of writer.references ?? []) {
        const refSchema = { schemaType, schema: ref.schema, references: [] };
        if (this.autoRegister) await client.register(ref.name, refSchema, this.normalize);
        const { version } = await client.lookup(ref.name, refSchema, false, this.normalize);
        references.push({ name: ref.name, subject: ref.name, version });
      }
      const schema = { schemaType, schema: text, references };
      const id = this.autoRegister
        ? await client.register(subject, schema, this.normalize)
        : (await client.lookup(subject, schema, false, this.normalize)).id;
      this.ids.set(key, id);
      this.rememberId(writer, subject, id);
    } catch (err) {
      const what = this.autoRegister
        ? `Error registering ${label} schema`
        : `Error retrieving ${label} schema`;
      throw new DataException(
        `Failed to serialize ${label} data from topic ${topic}: ${what} for subject ${subject}: ${registryErrorText(err)}`,
        { cause: err },
      );
    }
  }

  private async loadLatest(subject: string): Promise<void> {
    const { label } = this.format;
    try {
      const found = await this.registry().subjectVersion(subject, 'latest');
      const reader = this.format.fromRegisteredSchema(
        found.schema,
        await this.referencedTexts(found.references),
      );
      this.latest.set(subject, { id: found.id, writer: this.writerFor(reader.schema) });
    } catch (err) {
      throw new DataException(
        `Error retrieving latest ${label} schema for subject ${subject} (use.latest.version=true): ${registryErrorText(err)}`,
        { cause: err },
      );
    }
  }

  private async loadReader(id: number): Promise<void> {
    const { label, schemaType } = this.format;
    try {
      const found = await this.registry().schemaById(id);
      if (found.schemaType !== schemaType)
        throw new Error(`schema ${id} is ${found.schemaType}, not ${schemaType}`);
      this.readers.set(
        id,
        this.format.fromRegisteredSchema(found.schema, await this.referencedTexts(found.references)),
      );
    } catch (err) {
      throw new DataException(`Error retrieving ${label} schema for id ${id}: ${registryErrorText(err)}`, {
        cause: err,
      });
    }
  }

  /** The referenced versions' texts, each one's own references before it. */
  private async referencedTexts(
    references: readonly { name: string; subject: string; version: number }[],
  ): Promise<ReferencedSchema[]> {
    const out: ReferencedSchema[] = [];
    for (const ref of references) {
      const found = await this.registry().subjectVersion(ref.subject, ref.version);
      out.push(...(await this.referencedTexts(found.references)), { name: ref.name, schema: found.schema });
    }
    return out;
  }

  private registry(): HttpSchemaRegistryClient {
    if (this.client === undefined) throw new Error('The converter is not configured: call configure first');
    return this.client;
  }
}

/**
 * A registry failure as Confluent's converters print it: a registry's answer as its
 * RestClientException does (`<message>; error code: <code>`), anything else by its message.
 */
function registryErrorText(err: unknown): string {
  if (err instanceof SchemaRegistryError && err.status !== 0)
    return `${err.message}; error code: ${err.errorCode}`;
  return (err as Error).message;
}
